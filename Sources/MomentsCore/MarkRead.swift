/// `POST /api/notifications/read` body.
public struct MarkReadBody: Codable, Sendable {
    public var upTo: Int64
    public init(upTo: Int64) { self.upTo = upTo }
}

/// `POST /api/notifications/read` answer.
public struct UnreadCount: Codable, Sendable, Equatable {
    public var unread: Int
    public init(unread: Int) { self.unread = unread }
}
