import Histogram

/// Coordinator → worker, one JSON line on the worker's stdin.
struct WorkerCommand: Codable, Sendable {
    enum Kind: String, Codable, Sendable {
        /// Open a WebSocket per user; answer when all are upgraded (or failed).
        case connect
        /// Start a long-poll loop per user; answer when every first wait is sent.
        case poll
        /// Close every WebSocket at once and reconnect each from its last event id.
        case reconnect
        /// Forget what was received so far (between a warm-up and the measurement); with
        /// `since`, also leave out messages due before it from then on.
        case reset
        case report
        case quit
    }

    var kind: Kind
    /// Monotonic nanoseconds, for `reset`.
    var since: UInt64? = nil
}

/// Worker → coordinator, one JSON line on the worker's stdout per command.
struct WorkerReply: Codable, Sendable {
    var connected = 0
    var failed = 0
    var errors: [String] = []
    var received = 0
    var duplicates = 0
    var histogram: Histogram<UInt64>?
    var likes: [LikeArrival]?
    /// Monotonic time of the last arrival, 0 if none.
    var lastArrival: UInt64 = 0
    /// Messages left out because they were due before the last `reset(since:)`.
    var stale = 0
    /// Subscribers that moved to another node after theirs died, by the node they were first
    /// on (each counted once), and when the last move was.
    var failedOver: [Int] = []
    var lastFailover: UInt64 = 0
    /// Monotonic times at which subscribers completed a move to another node.
    var moves: [UInt64]?
}
