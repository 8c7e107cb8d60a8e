import Foundation

public struct Comment: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var postId: Int64
    public var author: UserSummary
    public var text: String
    public var createdAt: Date

    public init(id: Int64, postId: Int64, author: UserSummary, text: String, createdAt: Date) {
        self.id = id
        self.postId = postId
        self.author = author
        self.text = text
        self.createdAt = createdAt
    }
}

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

/// `GET /api/feed`.
public struct FeedPage: Codable, Sendable, Equatable {
    public var posts: [Post]
    /// Pass as `before` to get the next (older) page; absent on the last page.
    public var nextBefore: Int64?

    public init(posts: [Post], nextBefore: Int64?) {
        self.posts = posts
        self.nextBefore = nextBefore
    }
}

/// Body of `POST /api/posts` and `POST /api/posts/{id}/comments`.
public struct TextBody: Codable, Sendable {
    public var text: String
    public init(text: String) { self.text = text }
}
