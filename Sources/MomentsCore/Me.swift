/// `GET /api/me`.
public struct Me: Codable, Sendable, Equatable {
    public var user: UserSummary
    public var friends: [UserSummary]
    public var unread: Int
    public var cursor: Int64

    public init(user: UserSummary, friends: [UserSummary], unread: Int, cursor: Int64) {
        self.user = user
        self.friends = friends
        self.unread = unread
        self.cursor = cursor
    }
}
