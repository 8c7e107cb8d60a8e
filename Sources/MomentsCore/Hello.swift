/// The first WebSocket frame after the upgrade.
public struct Hello: Codable, Sendable, Equatable {
    public var type: String = "hello"
    public var user: UserSummary
    public var unread: Int
    /// The stream starts after this id.
    public var cursor: Int64

    public init(user: UserSummary, unread: Int, cursor: Int64) {
        self.user = user
        self.unread = unread
        self.cursor = cursor
    }
}
