import Foundation

/// Where the embedded store in a file keeps pictures' bytes: a folder beside the database
/// named after it (`moments-media/` for `moments.sqlite`), one file per digest
/// (`moments-media/ab/abcd….jpg`), 0600 in folders 0700 like the rest of the data
/// dir. A file is written and fsynced under a temporary name off the writer (`stage`), then
/// renamed into place by the writer in the transaction that counts it (`place`), and unlinked
/// by the writer after the commit that stops counting it: naming and unnaming happen in the
/// writer's order, so an upload of the same bytes as a picture being deleted keeps its file.
struct MediaFolder: Sendable {
    let root: URL

    init(beside database: String) {
        let file = URL(fileURLWithPath: database)
        root = file.deletingLastPathComponent().appendingPathComponent(
            file.deletingPathExtension().lastPathComponent + "-media")
    }

    func path(of digest: String) -> String {
        root.appendingPathComponent(String(digest.prefix(2))).appendingPathComponent("\(digest).jpg").path
    }

    /// Writes `bytes` to a new temporary file, synced to disk; answers its path.
    func stage(_ bytes: [UInt8]) throws -> String {
        try makeFolder(root.path)
        let path = root.appendingPathComponent("tmp-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MediaFolderError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else {
                unlink(path)
                throw MediaFolderError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            unlink(path)
            throw MediaFolderError("cannot sync \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    /// Moves a staged file to its digest's name (the same bytes already there stay).
    func place(_ staged: String, as digest: String) throws {
        let target = path(of: digest)
        try makeFolder((target as NSString).deletingLastPathComponent)
        guard rename(staged, target) == 0 else {
            throw MediaFolderError("cannot place \(target): \(String(cString: strerror(errno)))")
        }
    }

    func discard(_ staged: String) { unlink(staged) }

    /// Files staged by a run that ended before placing them (a crash): none is named by a row.
    func removeStaged() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in names where name.hasPrefix("tmp-") { unlink(root.appendingPathComponent(name).path) }
    }

    func remove(_ digest: String) { unlink(path(of: digest)) }

    private func makeFolder(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
            throw MediaFolderError("cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }
}

struct MediaFolderError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
