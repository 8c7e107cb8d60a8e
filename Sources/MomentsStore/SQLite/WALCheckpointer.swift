import GRDB

/// Copies the write-ahead log into the database file from a connection of its own, off the
/// write path. SQLite's automatic checkpoint runs inside whichever commit crosses 1,000 pages,
/// fsync included: it put milliseconds on the tail of every push (unicast p99 5.1 ms with it,
/// 2.5 ms without; docs/benchmarks.md). A passive checkpoint waits for nobody and blocks nobody.
///
/// A passive checkpoint never restarts a log that writes keep busy, and after a delete the log
/// still holds the pages as they were, words included: both ask `LogTruncation` to empty it.
final class WALCheckpointer: Sendable {
    private let task: Task<Void, Never>
    private let connection: DatabaseQueue
    /// Shared with the writer (`GroupCommit`), which truncates between commits when busy.
    let truncation: LogTruncation

    init(path: String, every interval: Duration, frameLimit: Int = LogTruncation.defaultFrameLimit) throws {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        let truncation = LogTruncation(frameLimit: frameLimit)
        self.truncation = truncation
        self.connection = connection
        task = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                try? await connection.writeWithoutTransaction { db in
                    // A truncation here waits for nobody either: busy, it is left for the
                    // writer or the next interval.
                    truncation.runIfWanted(db)
                    let (frames, _) = try db.checkpoint(.passive)
                    if frames >= truncation.frameLimit { truncation.requestForSize() }
                }
            }
        }
    }

    /// The log is emptied at the next chance: what a delete erased must leave it too.
    func truncateSoon() {
        truncation.requestForErasure()
    }

    /// Returns once no checkpoint runs and the connection is closed: a store opened next on
    /// the same file must not meet this one's last checkpoint.
    func stop() async {
        task.cancel()
        await task.value
        try? connection.close()
    }
}
