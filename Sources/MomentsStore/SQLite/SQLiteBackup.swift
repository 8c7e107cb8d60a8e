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

    /// Copies the pictures' files of the store at `source` beside the store at `destination`
    /// (hard links where they can be: the files never change), then keeps only those the copy
    /// names. Run it before and after copying the database: a picture deleted meanwhile is in
    /// the first pass, one uploaded meanwhile in the second. Answers how many files there are.
    @discardableResult
    package static func copyMedia(of source: String, to destination: String, prune: Bool) throws -> Int {
        let from = MediaFolder(beside: source).root
        let to = MediaFolder(beside: destination).root
        let files = FileManager.default
        var count = 0
        if files.fileExists(atPath: from.path) {
            for path in try files.subpathsOfDirectory(atPath: from.path) where path.hasSuffix(".jpg") {
                let target = to.appendingPathComponent(path)
                count += 1
                guard !files.fileExists(atPath: target.path) else { continue }
                try files.createDirectory(
                    at: target.deletingLastPathComponent(), withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
                if link(from.appendingPathComponent(path).path, target.path) != 0 {
                    try files.copyItem(at: from.appendingPathComponent(path), to: target)
                }
            }
        }
        guard prune, files.fileExists(atPath: to.path) else { return count }
        let queue = try DatabaseQueue(path: destination)
        defer { try? queue.close() }
        let named = Set(try queue.read { db in try String.fetchAll(db, sql: "SELECT digest FROM media_files") })
        count = 0
        for path in try files.subpathsOfDirectory(atPath: to.path) where path.hasSuffix(".jpg") {
            let digest = String(path.split(separator: "/").last!.dropLast(".jpg".count))
            if named.contains(digest) {
                count += 1
            } else {
                try files.removeItem(at: to.appendingPathComponent(path))
            }
        }
        return count
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
