import Foundation

/// The outbox on disk: one JSON line per change (a write added, answered, refused, retried or
/// let go), each written and fsynced before the change counts, in a file only its user may read
/// (0600). Reading it back replays the lines; a torn last line (a crash mid-write) is skipped.
/// Opened, it is rewritten with only what is still waiting, so it never grows for long.
struct OutboxJournal: Sendable {
    enum Line: Codable, Equatable {
        case add(OutboxEntry)
        case answered(String)
        case refused(String, reason: String)
        case retried(String)
        case discarded(String)
    }

    let url: URL

    /// What is still waiting, in the order it was made; the file compacted to it.
    func load() throws -> [OutboxEntry] {
        var entries: [OutboxEntry] = []
        // Only a journal that is not there is empty; one that cannot be read must not be replaced.
        if FileManager.default.fileExists(atPath: url.path) {
            let data = try Data(contentsOf: url)
            for line in data.split(separator: UInt8(ascii: "\n")) {
                // A line cut short by a crash does not decode: it never counted.
                guard let change = try? JSONDecoder().decode(Line.self, from: Data(line)) else { continue }
                Self.apply(change, to: &entries)
            }
        }
        try rewrite(entries)
        return entries
    }

    func append(_ line: Line) throws {
        // A newline first as well: after a write cut short, the next line starts on its own.
        var data = Data("\n".utf8) + (try JSONEncoder().encode(line))
        data.append(UInt8(ascii: "\n"))
        try writeSynced(data, to: url.path, flags: O_WRONLY | O_APPEND | O_CREAT)
    }

    static func apply(_ line: Line, to entries: inout [OutboxEntry]) {
        switch line {
        case .add(let entry):
            if !entries.contains(where: { $0.id == entry.id }) { entries.append(entry) }
        case .answered(let id), .discarded(let id):
            entries.removeAll { $0.id == id }
        case .refused(let id, let reason):
            if let index = entries.firstIndex(where: { $0.id == id }) { entries[index].refusal = reason }
        case .retried(let id):
            if let index = entries.firstIndex(where: { $0.id == id }) { entries[index].refusal = nil }
        }
    }

    /// Only what waits, written whole beside the journal and renamed over it.
    private func rewrite(_ entries: [OutboxEntry]) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        var data = Data()
        for entry in entries {
            data += try JSONEncoder().encode(Line.add(entry))
            data.append(UInt8(ascii: "\n"))
            if let refusal = entry.refusal {
                data += try JSONEncoder().encode(Line.refused(entry.id, reason: refusal))
                data.append(UInt8(ascii: "\n"))
            }
        }
        let temporary = url.path + ".tmp"
        try writeSynced(data, to: temporary, flags: O_WRONLY | O_TRUNC | O_CREAT)
        guard rename(temporary, url.path) == 0 else { throw Self.failure("rename \(temporary)") }
    }

    private func writeSynced(_ data: Data, to path: String, flags: Int32) throws {
        let fd = Foundation.open(path, flags, 0o600)
        guard fd >= 0 else { throw Self.failure("open \(path)") }
        defer { close(fd) }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else { throw Self.failure("write \(path)") }
    }

    private static func failure(_ what: String) -> ClientError {
        .configuration("outbox: cannot \(what): \(String(cString: strerror(errno)))")
    }
}
