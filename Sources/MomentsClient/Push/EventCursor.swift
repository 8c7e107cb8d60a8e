import MomentsCore

/// The last event id applied: what a reconnect resumes after, and the dedupe rule that makes
/// replays after drops, fallbacks and restarts exactly-once on screen.
public struct EventCursor: Sendable, Equatable {
    public private(set) var lastId: Int64

    public init(_ lastId: Int64) { self.lastId = lastId }

    /// True (and advances) when `event` is new; false for anything already applied.
    public mutating func accept(_ event: Event) -> Bool {
        guard event.id > lastId else { return false }
        lastId = event.id
        return true
    }

    /// Moves past events this client skipped (types it does not know); never moves back.
    public mutating func pass(_ id: Int64) {
        lastId = max(lastId, id)
    }
}
