import MomentsCore

/// The two sizes every picture is stored in (docs/protocol.md says their bounds).
public enum MediaSize: String, Sendable, CaseIterable {
    /// For feeds and the grid under a post.
    case thumb
    /// For the post alone.
    case large
}

/// Bytes the server made (never the uploaded ones), named by their SHA-256 in hex: two uploads
/// that came out the same share one copy.
public struct MediaFile: Sendable, Equatable {
    public var digest: String
    public var bytes: [UInt8]

    public init(digest: String, bytes: [UInt8]) {
        self.digest = digest
        self.bytes = bytes
    }
}

/// An upload, decoded and re-encoded, ready to store: unattached until a post of its owner's
/// takes it.
public struct NewMedia: Sendable, Equatable {
    public var id: String
    public var owner: String
    /// The original's size, upright.
    public var width: Int
    public var height: Int
    public var thumb: MediaFile
    public var large: MediaFile

    public init(id: String, owner: String, width: Int, height: Int, thumb: MediaFile, large: MediaFile) {
        self.id = id
        self.owner = owner
        self.width = width
        self.height = height
        self.thumb = thumb
        self.large = large
    }

    public var uploaded: MediaUploaded { MediaUploaded(id: id, width: width, height: height) }

    /// Each distinct file once, with how many references this upload adds to it (a picture
    /// smaller than the thumbnail comes out the same in both sizes).
    var files: [(file: MediaFile, refs: Int)] {
        thumb.digest == large.digest ? [(thumb, 2)] : [(thumb, 1), (large, 1)]
    }
}

/// A stored picture's bytes as the one asking may have them.
public struct MediaContent: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// A file of the embedded store's, read as it is sent.
        case file(path: String)
        case bytes([UInt8])
    }

    public var digest: String
    public var length: Int
    public var source: Source
}

/// What a write reads of the pictures a new post names.
struct MediaFacts: Sendable, Equatable {
    var id: String
    var owner: String
    var postId: Int64?
}

/// Counts of references to release, by digest, from the rows `(thumb, large)` going away.
enum MediaRelease {
    static func counts(_ rows: [(thumb: String, large: String)]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in rows {
            counts[row.thumb, default: 0] += 1
            counts[row.large, default: 0] += 1
        }
        return counts
    }
}
