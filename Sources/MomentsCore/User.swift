/// A person on Moments. `id` is the seed article's "openId": short, stable, used in tokens.
public struct UserSummary: Codable, Sendable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}

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
