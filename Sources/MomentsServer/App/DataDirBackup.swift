import Foundation
import MomentsStore

/// `moments-server backup` and `restore` for the embedded store: the database as of one
/// moment, with what the data dir keeps beside it (the token secret, the publish key, the
/// pictures' files the copy names), so a restored node accepts the tokens it issued. (PostgreSQL has its own tools: docs/operations.md.)
public enum DataDirBackup {
    static let databaseName = ServerConfiguration.databaseName
    /// Kept beside the database, and copied with it when there.
    static let keptFiles = [SigningSecret.fileName, PublisherKey.fileName]

    public struct Summary: Sendable {
        public let files: [String]
        public let bytes: Int
        /// The newest event in the copy: every write acknowledged before the backup began is
        /// at or below it.
        public let newestEvent: Int64
    }

    /// Copies `dataDir` into `destination`, a directory that must not exist yet, while the
    /// node may be serving.
    public static func backup(dataDir: URL, to destination: URL) throws -> Summary {
        let files = FileManager.default
        let database = dataDir.appendingPathComponent(databaseName)
        guard files.fileExists(atPath: database.path) else {
            throw ConfigurationError("no store in \(dataDir.path): \(databaseName) is missing")
        }
        guard !files.fileExists(atPath: destination.path) else {
            throw ConfigurationError("\(destination.path) exists: a backup goes into a new directory")
        }
        try files.createDirectory(
            at: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let copy = destination.appendingPathComponent(databaseName)
        try SQLiteBackup.copyMedia(of: database.path, to: copy.path, prune: false)
        let newest = try SQLiteBackup.copy(database.path, to: copy.path)
        let pictures = try SQLiteBackup.copyMedia(of: database.path, to: copy.path, prune: true)
        var copied = [databaseName]
        for name in keptFiles where files.fileExists(atPath: dataDir.appendingPathComponent(name).path) {
            try files.copyItem(at: dataDir.appendingPathComponent(name), to: destination.appendingPathComponent(name))
            copied.append(name)
        }
        let bytes = try restrict(copied, in: destination)
        if pictures > 0 { copied.append("\(pictures) picture files") }
        return Summary(files: copied, bytes: bytes, newestEvent: newest)
    }

    /// Makes `dataDir` (absent or empty) a store again from a backup, with a new epoch.
    public static func restore(from backup: URL, to dataDir: URL) throws -> Summary {
        let files = FileManager.default
        guard files.fileExists(atPath: backup.appendingPathComponent(databaseName).path) else {
            throw ConfigurationError("\(backup.path) is not a backup: \(databaseName) is missing")
        }
        if let present = try? files.contentsOfDirectory(atPath: dataDir.path), !present.isEmpty {
            throw ConfigurationError("\(dataDir.path) is not empty: restore into a new data dir")
        }
        try files.createDirectory(
            at: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let names = ([databaseName] + keptFiles).filter {
            files.fileExists(atPath: backup.appendingPathComponent($0).path)
        }
        for name in names {
            try files.copyItem(at: backup.appendingPathComponent(name), to: dataDir.appendingPathComponent(name))
        }
        let bytes = try restrict(names, in: dataDir)
        let database = dataDir.appendingPathComponent(databaseName).path
        try SQLiteBackup.renewEpoch(database)
        let pictures = try SQLiteBackup.copyMedia(
            of: backup.appendingPathComponent(databaseName).path, to: database, prune: true)
        return Summary(
            files: names + (pictures > 0 ? ["\(pictures) picture files"] : []), bytes: bytes,
            newestEvent: try SQLiteBackup.newestEvent(database))
    }

    /// Only the server's user may read them (docs/security.md); answers their size.
    private static func restrict(_ names: [String], in folder: URL) throws -> Int {
        var bytes = 0
        for name in names {
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            bytes += (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        }
        return bytes
    }
}
