import GRDB
import NIOConcurrencyHelpers

/// Copies the write-ahead log into the database file from a connection of its own, off the
/// write path. SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 pages,
/// fsync included: it put milliseconds on the tail of every push (unicast p99 5.1 ms with it,
/// 2.5 ms without; docs/benchmarks.md). A passive checkpoint waits for nobody and blocks nobody.
///
/// After a delete, the log still holds the pages as they were, words included: the next
/// checkpoint then truncates the log (retried each interval until no reader is in the way).
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>
    private let connection: DatabaseQueue
    private let truncateWanted: NIOLockedValueBox<Bool>

    init(path: String, every interval: Duration) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let truncateWanted = NIOLockedValueBox(false)
        self.connection = connection
        self.truncateWanted = truncateWanted
        task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let truncate = truncateWanted.withLockedValue { wanted in
                    defer { wanted = false }
                    return wanted
                }
                // A truncation waits for nobody either: busy, it fails and is tried again.
                let done = try? await connection.writeWithoutTransaction { db in
                    try db.checkpoint(truncate ? .truncate : .passive)
                }
                if truncate, done == nil { truncateWanted.withLockedValue { $0 = true } }
            }
        }
    }

    /// The next checkpoint empties the log: what a delete erased must leave it too.
    func truncateSoon() {
        truncateWanted.withLockedValue { $0 = true }
    }

    /// Returns once no checkpoint runs and the connection is closed: a store opened next on
    /// the same file must not meet this one's last checkpoint.
    func stop() async {
        task.cancel()
        await task.value
        try? connection.close()
    }
}
