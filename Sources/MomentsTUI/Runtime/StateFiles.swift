import Foundation
import MomentsCore

/// What moments-tui keeps between runs, under `$XDG_STATE_HOME/moments/` (by default
/// `~/.local/state/moments/`): one set of files per server and user, private to the user.
public struct StateFiles: Sendable {
    public let directory: URL
    /// `host_port_user`: whose files these are.
    public let stem: String

    public init(environment: [String: String], server: URL, user: String) {
        let base =
            environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        directory = URL(fileURLWithPath: base).appendingPathComponent("moments")
        let parts = [server.host ?? "server", "\(server.port ?? (server.scheme == "https" ? 443 : 80))", user]
        stem = parts.map { $0.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." ? String($0) : "_" }.joined() }
            .joined(separator: "_")
    }

    private var visitFile: URL { directory.appendingPathComponent(stem + ".visit.json") }

    /// The outbox's journal: the writes the server has not answered yet.
    public var outboxFile: URL { directory.appendingPathComponent(stem + ".outbox.jsonl") }

    private var snapshotFile: URL { directory.appendingPathComponent(stem + ".snapshot.json") }

    /// What the screen showed when the last run ended, to start from while the server is away.
    public struct Snapshot: Codable, Equatable, Sendable {
        public var me: UserSummary
        public var feed: FeedPage
        public var notifications: NotificationPage
        /// The server's history the notifications' cursor is from (absent in older files).
        public var epoch: String?
    }

    /// Where the previous run left off; nil on a first run (or an unreadable file).
    public func lastVisit() -> LastVisit? { read(LastVisit.self, from: visitFile) }

    public func save(_ visit: LastVisit) throws { try write(visit, to: visitFile) }

    public func snapshot() -> Snapshot? { read(Snapshot.self, from: snapshotFile) }

    public func save(_ snapshot: Snapshot) throws { try write(snapshot, to: snapshotFile) }

    private func read<T: Decodable>(_ type: T.Type, from file: URL) -> T? {
        (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode(T.self, from: $0) }
    }

    /// Written whole to a temporary file and renamed, so a crash leaves the old one or the new.
    private func write(_ value: some Encodable, to file: URL) throws {
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = file.appendingPathExtension("tmp")
        try JSONEncoder().encode(value).write(to: temporary)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        guard rename(temporary.path, file.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
        }
    }
}
