import Histogram
import NIOConcurrencyHelpers

/// A like or a comment as its author's socket saw it; the coordinator knows when it was sent.
struct LikeArrival: Codable, Sendable {
    let actor: String
    let post: Int64
    let at: UInt64
}

/// What one worker process has received since the last reset, shared by all its connections.
final class Tally: Sendable {
    /// Latencies in microseconds, up to a minute.
    static func emptyHistogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: maxLatency, numberOfSignificantValueDigits: .three)
    }

    static let maxLatency: UInt64 = 60_000_000

    /// Records `arrival - due` (nanoseconds, monotonic) in microseconds, capped at a minute.
    static func record(due: UInt64, arrival: UInt64, in histogram: inout Histogram<UInt64>) {
        _ = histogram.record(min(arrival > due ? (arrival - due) / 1000 : 0, maxLatency))
    }

    private struct State {
        var histogram = Tally.emptyHistogram()
        var received = 0
        var duplicates = 0
        var likes: [LikeArrival] = []
        var lastArrival: UInt64 = 0
        var errors: [String] = []
        /// Messages due before this are left out (see `reset(since:)`).
        var since: UInt64 = 0
        var stale = 0
        /// Users that moved off their first node, by that node.
        var failedOver: [Int: Set<String>] = [:]
        var lastFailover: UInt64 = 0
        /// When each move to another node completed.
        var moves: [UInt64] = []
    }

    private let state = NIOLockedValueBox(State())

    /// A new event arrived; `stamp` is the time the publisher meant to send it, if it says.
    func received(stamp: UInt64?, at now: UInt64) {
        state.withLockedValue { state in
            if let stamp, stamp < state.since { return state.stale += 1 }
            state.received += 1
            state.lastArrival = now
            if let stamp { Tally.record(due: stamp, arrival: now, in: &state.histogram) }
        }
    }

    func liked(_ arrival: LikeArrival) {
        state.withLockedValue { state in
            state.received += 1
            state.lastArrival = arrival.at
            state.likes.append(arrival)
        }
    }

    /// Something went wrong after the connection was up (a refused poll); the first few are kept.
    func failed(_ error: String) {
        state.withLockedValue { state in
            if state.errors.count < 5 { state.errors.append(error) }
        }
    }

    /// `user`, first connected to node `home`, is connected to another node after its node died.
    func failedOver(_ user: String, home: Int, at now: UInt64) {
        state.withLockedValue { state in
            state.failedOver[home, default: []].insert(user)
            state.lastFailover = max(state.lastFailover, now)
            state.moves.append(now)
        }
    }

    func duplicate() {
        state.withLockedValue { $0.duplicates += 1 }
    }

    /// Starts counting afresh. With `since`, a message due before it is counted apart as stale:
    /// a rate ladder's steps follow each other on the same sockets, and a late arrival from
    /// one step must not count as a delivery of the next (their due times do not overlap).
    func reset(since: UInt64? = nil) {
        state.withLockedValue { $0 = State(since: since ?? 0) }
    }

    func report(into reply: inout WorkerReply) {
        state.withLockedValue { state in
            reply.received = state.received
            reply.duplicates = state.duplicates
            reply.histogram = state.histogram
            reply.likes = state.likes
            reply.lastArrival = state.lastArrival
            reply.errors += state.errors
            reply.stale = state.stale
            let nodes = (state.failedOver.keys.max() ?? -1) + 1
            reply.failedOver = (0..<nodes).map { state.failedOver[$0]?.count ?? 0 }
            reply.lastFailover = state.lastFailover
            reply.moves = state.moves
        }
    }
}
