import Foundation
import GRDB
import Logging

/// The embedded store copied while it serves, and a copy made into a store again.
package enum SQLiteBackup {
    /// Copies the database at `source` as it is at one moment into `destination` (a new file):
    /// SQLite's online backup in a single step, inside one read transaction, so writes go on
    /// meanwhile and none is half in the copy. Answers the newest event id in the copy.
    package static func copy(_ source: String, to destination: String) throws -> Int64 {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let live = try DatabaseQueue(path: source, configuration: configuration)
        defer { try? live.close() }
        let copy = try DatabaseQueue(path: destination)
        defer { try? copy.close() }
        try live.backup(to: copy)
        return try newestEvent(in: copy)
    }

    /// The newest event id in the store at `path`.
    package static func newestEvent(_ path: String) throws -> Int64 {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try newestEvent(in: queue)
    }

    private static func newestEvent(in queue: DatabaseQueue) throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(MAX(id), 0) FROM events") ?? 0 }
    }

    /// Gives a restored store a new epoch: clients resuming with the old one are told their
    /// cursor is from another history (`StreamStart`), and fetch their screens again.
    package static func renewEpoch(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try SQLiteSchema.upgrade(queue, logger: Logger(label: "moments.restore"))
        try queue.write { db in
            try db.execute(sql: "UPDATE settings SET value = lower(hex(randomblob(8))) WHERE key = 'epoch'")
        }
    }
}
