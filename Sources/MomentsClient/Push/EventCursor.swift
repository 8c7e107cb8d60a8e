import MomentsCore

/// The last event id applied, and the history (epoch) it is from: what a reconnect resumes
/// after, and the dedupe rule that makes replays after drops, fallbacks and restarts
/// exactly-once on screen.
public struct EventCursor: Sendable, Equatable {
    public private(set) var lastId: Int64
    /// The server's history `lastId` belongs to, once a hello or poll answer has said it.
    public private(set) var epoch: String?

    public init(_ lastId: Int64, epoch: String? = nil) {
        self.lastId = lastId
        self.epoch = epoch
    }

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

    /// A hello or poll answer from history `epoch`, its stream (re)starting after `restartedAt`,
    /// `oldest` the oldest id the server keeps; answers the gap to tell the user of, if the
    /// server found one. From another history (a new epoch, or restarted behind this cursor)
    /// the cursor moves back to where the server restarted, so nothing new is taken for a
    /// duplicate. After expiry it moves up to just before `oldest`: what is kept comes next,
    /// and the next resume is not told of the same gap again.
    public mutating func meet(epoch: String?, gap: Bool, oldest: Int64?, restartedAt: Int64) -> HistoryGap? {
        defer { if let epoch { self.epoch = epoch } }
        guard gap else { return nil }
        let otherHistory = (self.epoch != nil && epoch != nil && epoch != self.epoch) || restartedAt < lastId
        guard otherHistory else {
            if let oldest { lastId = max(lastId, oldest - 1) }
            return .expired
        }
        lastId = restartedAt
        return .reset
    }
}

/// Why the server could not resume a stream where the client left it: either way, the
/// client's screens may miss things and are fetched again.
public enum HistoryGap: Sendable, Equatable {
    /// Events after the cursor were older than the server keeps.
    case expired
    /// The server's history is another one (restored from a backup, rebuilt).
    case reset
}
