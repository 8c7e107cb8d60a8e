import AsyncHTTPClient
import Foundation
import Glibc
import MomentsClient
import NIOCore
import Testing

/// The real `moments-server` binary on a free loopback port with a fresh demo data dir.
final class ServerProcess {
    private let child: Child
    let dataDir: URL
    let url: URL
    let tokens: [String: String]

    /// - Parameters:
    ///   - arguments: more `serve` flags (TLS files, …).
    ///   - dataDir: a previous server's data dir, to restart on it.
    ///   - environment: more environment variables (a debug build's `MOMENTS_FAILPOINT`).
    init(_ arguments: [String] = [], dataDir: URL? = nil, environment: [String: String] = [:]) async throws {
        self.dataDir =
            dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("moments-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.dataDir, withIntermediateDirectories: true)
        let output = self.dataDir.appendingPathComponent("server-\(UUID().uuidString).out")
        child = try Child(
            try Binaries.path("moments-server"),
            [
                // Without pictures unless a test asks (`--demo-pictures`): the screens the TUI
                // tests read are text.
                "serve", "--demo", "--no-demo-pictures", "--port", "0", "--metrics-address", "127.0.0.1:0",
                "--data-dir", self.dataDir.path,
                // As long as a PostgreSQL connect may take on a loaded machine.
                "--postgres-wait", "\(TestPostgres.connectionWait.components.seconds)",
                // Stopped at once (a test that drains passes its own; the last one counts).
                "--drain-seconds", "0",
            ] + arguments, environment: environment,
            stdout: output.path, stderr: self.dataDir.appendingPathComponent("server.err").path)
        let text = try await eventually("the server to listen") { () -> String? in
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return text.contains("listening on") ? text : nil
        }
        var tokens: [String: String] = [:]
        var url: URL?
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 2, ["alice", "bob", "carol", "dave"].contains(String(words[0])) {
                tokens[String(words[0])] = String(words[1])
            }
            if let match = line.firstMatch(of: /listening on (https?:\/\/\S+)/) {
                url = URL(string: String(match.output.1))
            }
        }
        guard let url else { throw TestFailure("no address in: \(text)") }
        self.url = url
        self.tokens = tokens
        self.output = output
    }

    /// What the server printed on stdout.
    let output: URL

    func stop() {
        child.terminate()
        try? FileManager.default.removeItem(at: dataDir)
    }

    /// A demo user's token (alice, bob, carol or dave).
    func token(_ user: String) throws -> String {
        guard let token = tokens[user] else { throw TestFailure("the demo has no user \(user)") }
        return token
    }

    /// The API as a demo user.
    func api(_ user: String) throws -> MomentsAPI {
        MomentsAPI(server: url, token: try token(user))
    }

    /// The shell command running moments-tui as a demo user against this server, with `options`.
    func tuiCommand(_ user: String, _ options: String = "") throws -> String {
        try Binaries.tui(token: try token(user), server: url, options)
    }

    /// moments-tui signed in as a demo user, in a tmux session of its own (see `TmuxSession`
    /// for the terminal's size, a home kept between runs and a config.toml).
    func tui(
        _ user: String, _ options: String = "", columns: Int = 100, rows: Int = 30, home: URL? = nil,
        config: String? = nil
    ) throws -> TmuxSession {
        try TmuxSession(
            command: try tuiCommand(user, options), columns: columns, rows: rows, home: home, config: config)
    }

    /// `GET /metrics` on the metrics listener, to wait on what the server holds (a parked poll).
    func metricsText() async throws -> String {
        let metrics = try await eventually("the metrics listener") { () -> String? in
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            return text.firstMatch(of: /metrics on (\S+)/).map { String($0.output.1) }
        }
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: metrics), timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    /// SIGTERM, then the exit status, without blocking other tests' threads.
    func terminate() async throws -> Int32 {
        kill(child.pid, SIGTERM)
        return try await child.exit()
    }

    /// SIGTERM, as an orchestrator stops a node; `exitStatus()` waits for the end.
    func signalStop() { kill(child.pid, SIGTERM) }

    func exitStatus() async throws -> Int32 { try await child.exit() }

    /// `kill -9`: no shutdown, no close frames — a crashed node.
    func crash() {
        kill(child.pid, SIGKILL)
        _ = child.wait()
    }
}
