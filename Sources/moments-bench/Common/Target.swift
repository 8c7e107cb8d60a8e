import ArgumentParser
import Foundation

/// The server under test. Both are driven by the same generator; only URLs and bodies differ.
enum Target: String, ExpressibleByArgument, Codable, Sendable {
    /// moments-server: `/api/ws`, `/api/poll`, `POST /api/publish`.
    case moments
    /// nginx + Nchan: `/sub/<id>` (WebSocket or long-poll, also subscribed to the channel
    /// `all`), `POST /pub/<id>`, `POST /pub/all` for broadcasts.
    case nchan

    /// `cursor` -1: from now on (Moments starts after the newest event).
    func webSocketPath(for user: BenchUser, cursor: Int64) -> String {
        switch self {
        case .moments: "/api/ws?token=\(user.token)" + (cursor >= 0 ? "&cursor=\(cursor)" : "")
        case .nchan: "/sub/\(user.id)"
        }
    }

    /// Moments answers a poll with `timeout=0` at once; the generator uses it to learn its cursor.
    func pollPath(for user: BenchUser, cursor: Int64?, wait: Bool) -> String {
        switch self {
        case .moments: "/api/poll?timeout=\(wait ? 60 : 0)" + (cursor.map { "&cursor=\($0)" } ?? "")
        case .nchan: "/sub/\(user.id)"
        }
    }

    func authorization(for user: BenchUser) -> String? {
        self == .moments ? "Bearer \(user.token)" : nil
    }

    /// Whether frames carry an event id (Moments): then duplicates are detected and a
    /// reconnect resumes from the last id.
    var resumes: Bool { self == .moments }
}

/// One subscriber identity: Moments needs a token (and a post for likes); Nchan only an id.
struct BenchUser: Sendable, Codable {
    let id: String
    let token: String
    let post: Int64

    /// `moments-server populate` prints "user token post" lines; without a file, ids u0, u1, … .
    static func load(file: String?, count: Int) throws -> [BenchUser] {
        guard let file else {
            return (0..<count).map { BenchUser(id: "u\($0)", token: "", post: 0) }
        }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let users = lines.compactMap { line -> BenchUser? in
            let fields = line.split(separator: " ")
            guard fields.count == 3, let post = Int64(fields[2]) else { return nil }
            return BenchUser(id: String(fields[0]), token: String(fields[1]), post: post)
        }
        guard users.count >= count else {
            throw ValidationError("\(file) has \(users.count) users, \(count) needed")
        }
        return Array(users.prefix(count))
    }
}
