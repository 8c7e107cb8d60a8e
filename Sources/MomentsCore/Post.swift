import Foundation

/// A post as the feed shows it to one viewer (`likedByMe` depends on who asks).
public struct Post: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var author: UserSummary
    public var text: String
    public var createdAt: Date
    public var likeCount: Int
    /// Everyone who likes the post, earliest first.
    public var likers: [UserSummary]
    public var likedByMe: Bool
    /// Oldest first.
    public var comments: [Comment]

    public init(
        id: Int64, author: UserSummary, text: String, createdAt: Date, likeCount: Int = 0,
        likers: [UserSummary] = [], likedByMe: Bool = false, comments: [Comment] = []
    ) {
        self.id = id
        self.author = author
        self.text = text
        self.createdAt = createdAt
        self.likeCount = likeCount
        self.likers = likers
        self.likedByMe = likedByMe
        self.comments = comments
    }
}
