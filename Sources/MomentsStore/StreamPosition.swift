/// Where a user's stream is: its newest event and the unread count.
public struct StreamPosition: Sendable, Equatable {
    public var cursor: Int64
    public var unread: Int

    public init(cursor: Int64, unread: Int) {
        self.cursor = cursor
        self.unread = unread
    }
}
