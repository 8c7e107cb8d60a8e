import Foundation
import Logging

/// The data dir holds everyone's posts and comments and the node's secrets: only the server's
/// user may read it. Created 0700 with its files 0600; an existing dir or file open to others
/// is tightened, with one line saying so. The SQLite file is made before SQLite opens it, so
/// its WAL and shared-memory files (which SQLite creates with the database's mode) are 0600 too.
package enum PrivateDataDir {
    package static func prepare(_ dir: URL, database: String, logger: Logger) throws {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: dir.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw StoreSetupError("data dir \(dir.path) is a file, not a directory")
        }
        // Foundation says only "error 512" when a folder to create is below a file.
        var above = dir.deletingLastPathComponent()
        while above.path != "/", !files.fileExists(atPath: above.path, isDirectory: &isFolder) {
            above = above.deletingLastPathComponent()
        }
        if files.fileExists(atPath: above.path, isDirectory: &isFolder), !isFolder.boolValue {
            throw StoreSetupError("cannot create data dir \(dir.path): \(above.path) is a file")
        }
        do {
            try files.createDirectory(
                at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try tighten(dir.path, to: 0o700, logger: logger)
            if !files.fileExists(atPath: database) {
                guard files.createFile(atPath: database, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw StoreSetupError("cannot create \(database)")
                }
            }
            for name in try files.contentsOfDirectory(atPath: dir.path) {
                let path = dir.appendingPathComponent(name).path
                var isFolder: ObjCBool = false
                if files.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                    try tighten(path, to: 0o600, logger: logger)
                }
            }
        } catch let error as StoreSetupError {
            throw error
        } catch CocoaError.fileWriteNoPermission, CocoaError.fileReadNoPermission {
            throw StoreSetupError("cannot use data dir \(dir.path): permission denied (another user's?)")
        } catch {
            throw StoreSetupError("cannot make data dir \(dir.path) private: \(error.localizedDescription)")
        }
    }

    private static func tighten(_ path: String, to mode: Int, logger: Logger) throws {
        let files = FileManager.default
        let current = (try files.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        guard current & 0o077 != 0 else { return }
        try files.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        logger.warning(
            "\(path) was open to other users (\(String(current, radix: 8))): now \(String(mode, radix: 8))")
    }
}
