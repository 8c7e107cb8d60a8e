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
