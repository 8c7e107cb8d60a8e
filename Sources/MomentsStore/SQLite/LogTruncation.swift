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

    private let wanted = NIOLockedValueBox(false)
    private let count = NIOLockedValueBox(0)

    init(frameLimit: Int = LogTruncation.defaultFrameLimit) {
        self.frameLimit = frameLimit
    }

    func request() { wanted.withLockedValue { $0 = true } }

    var isWanted: Bool { wanted.withLockedValue { $0 } }

    /// Truncations done so far (tests).
    var done: Int { count.withLockedValue { $0 } }

    /// Truncates the log if asked, outside any transaction on `db`; asked again if readers
    /// were in the way. `busyMilliseconds`, when given, bounds the wait for them and is then
    /// set back to `restoreMilliseconds`.
    func runIfWanted(_ db: Database, busyMilliseconds: Int? = nil, restoreMilliseconds: Int = 5000) {
        let asked = wanted.withLockedValue { wanted in
            defer { wanted = false }
            return wanted
        }
        guard asked else { return }
        do {
            if let busyMilliseconds { try db.execute(sql: "PRAGMA busy_timeout = \(busyMilliseconds)") }
            defer { if busyMilliseconds != nil { try? db.execute(sql: "PRAGMA busy_timeout = \(restoreMilliseconds)") } }
            _ = try db.checkpoint(.truncate)
            count.withLockedValue { $0 += 1 }
        } catch {
            request()
        }
    }
}
