import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

/// moments-tui's decisions before its first frame, without a terminal.
@Suite("Start-up: the token, the servers, starting offline")
struct StartupTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func tokenFile(_ text: String, mode: Int) throws -> String {
        let file = try temporaryFolder().appendingPathComponent("token")
        try text.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file.path)
        return file.path
    }

    /// A JWT-shaped token for `user` (unsigned: only its `sub` is read here).
    static func token(for user: String) -> String {
        let payload = Data(#"{"sub":"\#(user)","iat":1}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "eyJhbGciOiJIUzI1NiJ9.\(payload).c2ln"
    }

    @Test("the token: --token, then --token-file, then MOMENTS_TOKEN, then config.toml's token_file")
    func tokenOrder() throws {
        let file = try Self.tokenFile("from-file\n", mode: 0o600)
        let config = try Self.tokenFile("from-config", mode: 0o600)
        let environment = ["MOMENTS_TOKEN": "from-env"]
        #expect(
            try Startup.token(flag: "from-flag", flagFile: file, environment: environment, configFile: config)
                == "from-flag")
        #expect(
            try Startup.token(flag: nil, flagFile: file, environment: environment, configFile: config) == "from-file")
        #expect(try Startup.token(flag: nil, flagFile: nil, environment: environment, configFile: config) == "from-env")
        #expect(try Startup.token(flag: nil, flagFile: nil, environment: [:], configFile: config) == "from-config")
        #expect(throws: Startup.Refusal.self) {
            try Startup.token(flag: nil, flagFile: nil, environment: [:], configFile: nil)
        }
        #expect(throws: Startup.Refusal.self) {
            try Startup.token(flag: "", flagFile: nil, environment: [:], configFile: nil)
        }
    }

    @Test("a token file others may read is refused and says how to fix it; a missing one says so")
    func tokenFilePermissions() throws {
        let open = try Self.tokenFile("secret", mode: 0o644)
        #expect(throws: Startup.Refusal("\(open) is readable by others (mode 644): chmod 600 \(open)")) {
            try Startup.readToken(open)
        }
        #expect(throws: Startup.Refusal("cannot read the token file /nonexistent/token")) {
            try Startup.readToken("/nonexistent/token")
        }
    }

    @Test("servers: http(s) URLs, one scheme for a cluster, TLS options for https only")
    func servers() throws {
        let urls = try Startup.servers(
            ["https://a.example:8443", "https://b.example"], trust: ServerTrust(insecure: true))
        #expect(urls.map(\.host) == ["a.example", "b.example"])
        #expect(throws: Startup.Refusal("--server must be an http:// or https:// URL, got ftp://x")) {
            try Startup.servers(["ftp://x"], trust: ServerTrust())
        }
        #expect(throws: Startup.Refusal.self) {
            try Startup.servers(["http://a.example", "https://b.example"], trust: ServerTrust())
        }
        #expect(throws: Startup.Refusal("--ca-file and --insecure apply to https:// servers only")) {
            try Startup.servers(["http://a.example"], trust: ServerTrust(caFile: "/ca.pem"))
        }
    }

    @Test("the JWT's user is read without verifying it; anything else is no one")
    func subject() {
        #expect(Startup.subject(of: Self.token(for: "alice")) == "alice")
        #expect(Startup.subject(of: "not.a-jwt") == nil)
        #expect(Startup.subject(of: "a.b.c") == nil)
    }

    /// A loopback port nothing listens on: connecting to it is refused at once.
    static func closedPort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                guard bind(socket, address, length) == 0, getsockname(socket, address, &length) == 0 else {
                    throw Startup.Refusal("no free port")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("the server unreachable: the last run's screen for this token's user, marked offline; without one, a refusal")
    func offlineStart() async throws {
        let server = URL(string: "http://127.0.0.1:\(try Self.closedPort())")!
        let token = Self.token(for: "alice")
        let api = MomentsAPI(server: server, token: token)
        let environment = ["XDG_STATE_HOME": try Self.temporaryFolder().path]
        let files = { (user: String) in StateFiles(environment: environment, server: server, user: user) }
        await #expect(throws: Startup.Refusal.self) {
            try await Startup.firstState(api: api, token: token, stateFiles: files)
        }

        let alice = UserSummary(id: "alice", name: "Alice")
        try files("alice").save(
            StateFiles.Snapshot(
                me: alice, feed: FeedPage(posts: [], nextBefore: nil),
                notifications: NotificationPage(notifications: [], unread: 2, cursor: 9)))
        let state = try await Startup.firstState(api: api, token: token, stateFiles: files)
        #expect(state.me == alice && state.stale && state.unread == 2)
        // Someone else's token finds nothing of alice's.
        await #expect(throws: Startup.Refusal.self) {
            try await Startup.firstState(api: api, token: Self.token(for: "bob"), stateFiles: files)
        }
    }
}
