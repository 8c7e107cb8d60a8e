/// Where a user's stream is: its newest event (or the newest of theirs retention pruned, if
/// that is later: a position is never inside what was pruned, so a client starting from it
/// resumes without a gap) and the unread count.
public struct StreamPosition: Sendable, Equatable {
    public var cursor: Int64
    public var unread: Int

    public init(cursor: Int64, unread: Int) {
        self.cursor = cursor
        self.unread = unread
    }
}
