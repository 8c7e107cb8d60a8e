/// A picture of a post, as a viewer gets it: its size (upright) and the addresses of its two
/// sizes, signed for that viewer (`thumb_url` for feeds, `large_url` for the post alone).
public struct PostMedia: Codable, Sendable, Equatable, Identifiable {
    public var id: String
    public var alt: String
    public var width: Int
    public var height: Int
    /// Nil only inside the server, before the addresses are signed for the viewer.
    public var thumbUrl: String?
    public var largeUrl: String?

    public init(id: String, alt: String, width: Int, height: Int, thumbUrl: String? = nil, largeUrl: String? = nil) {
        self.id = id
        self.alt = alt
        self.width = width
        self.height = height
        self.thumbUrl = thumbUrl
        self.largeUrl = largeUrl
    }
}

/// A picture a new post takes: one its author uploaded (`POST /api/media`) and no post has yet.
public struct MediaAttachment: Codable, Sendable, Equatable {
    public var id: String
    public var alt: String

    public init(id: String, alt: String = "") {
        self.id = id
        self.alt = alt
    }

    /// The most pictures a post has, as in WeChat Moments.
    public static let perPost = 9
}

/// The answer to an upload: the id a post names it by, and its size once upright.
public struct MediaUploaded: Codable, Sendable, Equatable {
    public var id: String
    public var width: Int
    public var height: Int

    public init(id: String, width: Int, height: Int) {
        self.id = id
        self.width = width
        self.height = height
    }
}
