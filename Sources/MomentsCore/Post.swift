import Foundation

/// A post as one viewer may see it: only the likes and comments of people who are the viewer's
/// friends (or the viewer), and its audience only when the viewer wrote it.
public struct Post: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var author: UserSummary
    public var text: String
    public var createdAt: Date
    public var likeCount: Int
    /// Everyone the viewer may see like the post, earliest first.
    public var likers: [UserSummary]
    public var likedByMe: Bool
    /// Oldest first: all the viewer may see in a post alone (`GET /api/posts/{id}`), the latest
    /// three in a feed.
    public var comments: [Comment]
    /// How many comments the viewer may see, in all.
    public var commentCount: Int
    /// Who may see it: for its author only (nil for everyone else).
    public var audience: Audience?
    /// Shown as a small mark: to its author when the audience is not all friends, to others
    /// when it names who may see it (`only`); nothing more of the list is told.
    public var audienceLimited: Bool
    /// Its pictures, in order (none to nine).
    public var media: [PostMedia]

    public init(
        id: Int64, author: UserSummary, text: String, createdAt: Date, likeCount: Int = 0,
        likers: [UserSummary] = [], likedByMe: Bool = false, comments: [Comment] = [], commentCount: Int? = nil,
        audience: Audience? = nil, audienceLimited: Bool = false, media: [PostMedia] = []
    ) {
        self.id = id
        self.author = author
        self.text = text
        self.createdAt = createdAt
        self.likeCount = likeCount
        self.likers = likers
        self.likedByMe = likedByMe
        self.comments = comments
        self.commentCount = commentCount ?? comments.count
        self.audience = audience
        self.audienceLimited = audienceLimited
        self.media = media
    }

    private enum CodingKeys: String, CodingKey {
        case id, author, text, createdAt, likeCount, likers, likedByMe, comments, commentCount, audience,
            audienceLimited, media
    }

    /// Older servers sent neither count nor mark (every comment, and no limit shown), nor pictures.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(Int64.self, forKey: .id),
            author: try container.decode(UserSummary.self, forKey: .author),
            text: try container.decode(String.self, forKey: .text),
            createdAt: try container.decode(Date.self, forKey: .createdAt),
            likeCount: try container.decode(Int.self, forKey: .likeCount),
            likers: try container.decode([UserSummary].self, forKey: .likers),
            likedByMe: try container.decode(Bool.self, forKey: .likedByMe),
            comments: try container.decode([Comment].self, forKey: .comments),
            commentCount: try container.decodeIfPresent(Int.self, forKey: .commentCount),
            audience: try container.decodeIfPresent(Audience.self, forKey: .audience),
            audienceLimited: try container.decodeIfPresent(Bool.self, forKey: .audienceLimited) ?? false,
            media: try container.decodeIfPresent([PostMedia].self, forKey: .media) ?? [])
    }
}
