import GRDB
import NIOConcurrencyHelpers

/// Empties the write-ahead log, from whichever connection gets the chance first: the
/// checkpointer's when the writer is idle, the writer's own between two group commits when it
/// is not. Under a steady stream of writes the log is never idle, so no checkpoint can restart
/// it and it grows for as long as the writes go on (8 GB in two minutes of broadcasts, seen
/// here before this existed); a delete also wants it emptied, so the erased words leave it.
final class LogTruncation: Sendable {
    /// A log this long (4 KB pages: 32 MB) is emptied at the next chance.
    static let defaultFrameLimit = 8192
    let frameLimit: Int
    /// How long the writer waits for readers still in the log (a backup) before it gives up
    /// and leaves it for the next chance: a long reader delays the truncation, never the writes.
    static let writerWait = 20
    /// An erasure's truncation at most this often: a burst of deletes (or retention's batches,
    /// each of which asks) costs the writer one a second, not one each.
    static let erasureGap: Duration = .seconds(1)

    private struct State {
        /// The log is past its limit: at the next chance.
        var full = false
        /// Something was erased: at the next chance after `erasureGap` since the last.
        var erased = false
        var last = ContinuousClock.now - LogTruncation.erasureGap
        var done = 0
    }

    private let state = NIOLockedValueBox(State())

    init(frameLimit: Int = LogTruncation.defaultFrameLimit) {
        self.frameLimit = frameLimit
    }

    /// The log has passed `frameLimit`.
    func requestForSize() { state.withLockedValue { $0.full = true } }

    /// Deleted words are still in the log.
    func requestForErasure() { state.withLockedValue { $0.erased = true } }

    /// Truncations done so far (tests).
    var done: Int { state.withLockedValue { $0.done } }

    /// Truncates the log if it is due, outside any transaction on `db`; due again if readers
    /// were in the way. `busyMilliseconds`, when given, bounds the wait for them and is then
    /// set back to `restoreMilliseconds`.
    func runIfWanted(_ db: Database, busyMilliseconds: Int? = nil, restoreMilliseconds: Int = 5000) {
        let now = ContinuousClock.now
        let due = state.withLockedValue { state in
            state.full || (state.erased && now - state.last >= Self.erasureGap)
        }
        guard due else { return }
        do {
            if let busyMilliseconds { try db.execute(sql: "PRAGMA busy_timeout = \(busyMilliseconds)") }
            defer {
                if busyMilliseconds != nil { try? db.execute(sql: "PRAGMA busy_timeout = \(restoreMilliseconds)") }
            }
            _ = try db.checkpoint(.truncate)
            state.withLockedValue { state in
                state.full = false
                state.erased = false
                state.last = now
                state.done += 1
            }
        } catch {
            // Still due: the next chance tries again.
        }
    }
}
