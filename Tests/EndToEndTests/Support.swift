import AsyncHTTPClient
import CTestSpawn
import Foundation
import Glibc
import NIOCore
import Testing

@testable import MomentsTestSupport

/// The package's built executables (scripts/test builds them before running the tests).
enum Binaries {
    static let directory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug")
    }()

    /// The shell command that runs moments-tui as `token`'s user against `server`, with `options`.
    static func tui(token: String, server: URL, _ options: String = "") throws -> String {
        "\(try path("moments-tui")) --token \(token) --server \(server.absoluteString)"
            + (options.isEmpty ? "" : " " + options)
    }

    static func path(_ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(url.path) is missing: run `swift build` first (scripts/test does)")
        }
        return url.path
    }
}

/// A child process started with posix_spawn. (Foundation's Process can wait forever on a child
/// that leaves a daemon behind, as `tmux new-session -d` does.)
struct Child {
    let pid: pid_t

    /// Starts `executable`; stdout and stderr go to the given files (or /dev/null).
    init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], stdout: String? = nil,
        stderr: String? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else: a child holding copies of this process's sockets (servers of other tests
        // run in it) would keep those connections open after their owners close them.
        moments_spawn_close_from(&actions, 3)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard result == 0 else { throw TestFailure("cannot start \(executable): error \(result)") }
        self.pid = pid
    }

    /// Waits for the exit; answers the exit status (128 + n when killed by signal n). Blocks:
    /// only for children about to exit.
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return Self.exitStatus(status)
    }

    /// Waits without holding a thread of the shared pool, which in-process servers of other
    /// tests need meanwhile.
    func exit() async throws -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 { try await Task.sleep(for: .milliseconds(10)) }
        return Self.exitStatus(status)
    }

    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// SIGTERM, reaped on a thread of its own (SIGKILL after 10 s): the caller never waits, so
    /// a child slow to shut down cannot hold one of the two threads every in-process test needs.
    func terminate() {
        Glibc.kill(pid, SIGTERM)
        let pid = self.pid
        Thread.detachNewThread {
            for _ in 0..<1000 {
                if waitpid(pid, nil, WNOHANG) != 0 { return }
                usleep(10_000)
            }
            Glibc.kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
        }
    }

    /// SIGKILL, for helpers that need no goodbye (nginx, curl): a child spawned from this
    /// process may start with SIGTERM blocked, and nginx's single process never unblocks it.
    func forceKill() {
        Glibc.kill(pid, SIGKILL)
        _ = wait()
    }
}

/// Runs a command to completion; answers its exit status, stdout and stderr.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws
    -> (status: Int32, out: String, err: String)
{
    let files = OutputFiles()
    let child = try Child(executable, arguments, environment: environment, stdout: files.out, stderr: files.err)
    return files.collect(status: try await child.exit())
}

/// `run` for commands that end at once (tmux, pgrep), from synchronous code.
@discardableResult
func runQuick(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let files = OutputFiles()
    let child = try Child(executable, arguments, stdout: files.out, stderr: files.err)
    return files.collect(status: child.wait())
}

/// Where a child's output goes, read back (and removed) once it has exited.
private struct OutputFiles {
    let out: String
    let err: String

    init() {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("moments-run-\(UUID().uuidString)")
            .path
        out = base + ".out"
        err = base + ".err"
    }

    func collect(status: Int32) -> (status: Int32, out: String, err: String) {
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return (
            status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        )
    }
}

/// The real `moments-server` binary on a free loopback port with a fresh demo data dir.
final class ServerProcess {
    private let child: Child
    let dataDir: URL
    let url: URL
    let tokens: [String: String]

    /// - Parameters:
    ///   - arguments: more `serve` flags (TLS files, …).
    ///   - dataDir: a previous server's data dir, to restart on it.
    init(_ arguments: [String] = [], dataDir: URL? = nil) async throws {
        self.dataDir =
            dataDir ?? FileManager.default.temporaryDirectory.appendingPathComponent("moments-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.dataDir, withIntermediateDirectories: true)
        let output = self.dataDir.appendingPathComponent("server-\(UUID().uuidString).out")
        child = try Child(
            try Binaries.path("moments-server"),
            [
                "serve", "--demo", "--port", "0", "--metrics-address", "127.0.0.1:0", "--data-dir", self.dataDir.path,
                // As long as a PostgreSQL connect may take on a loaded machine.
                "--postgres-wait", "\(TestPostgres.connectionWait.components.seconds)",
            ] + arguments,
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

    private let output: URL

    func stop() {
        child.terminate()
        try? FileManager.default.removeItem(at: dataDir)
    }

    /// moments-tui signed in as one of the demo's users, in a tmux session of its own.
    func tui(_ user: String) throws -> TmuxSession {
        try TmuxSession(command: try Binaries.tui(token: try #require(tokens[user]), server: url))
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

    /// `kill -9`: no shutdown, no close frames — a crashed node.
    func crash() {
        kill(child.pid, SIGKILL)
        _ = child.wait()
    }
}

/// A private tmux server (its own socket) with one 100x30 window: the terminal a person would use.
/// Its programs get config and state directories of their own (`XDG_CONFIG_HOME`,
/// `XDG_STATE_HOME`), so nothing of the machine's user leaks in or out.
final class TmuxSession {
    let socket = "moments-e2e-\(UUID().uuidString.prefix(8))"
    let tmux: String
    /// The wrapping shell writes the program's exit status here.
    let statusFile = FileManager.default.temporaryDirectory.appendingPathComponent(
        "moments-e2e-\(UUID().uuidString).status")
    let home: URL
    private let ownsHome: Bool
    /// moments-tui's config.toml in this session's config directory.
    var configFile: URL { home.appendingPathComponent("config/moments/config.toml") }

    /// - Parameter home: the config and state directories' parent; a new one by default, an
    ///   earlier session's to run again with what it left.
    init(command: String, columns: Int = 100, rows: Int = 30, home: URL? = nil, config: String? = nil) throws {
        self.home = home ?? Self.newHome()
        ownsHome = home == nil
        if let config {
            try FileManager.default.createDirectory(
                at: self.home.appendingPathComponent("config/moments"), withIntermediateDirectories: true)
            try Data(config.utf8).write(to: self.home.appendingPathComponent("config/moments/config.toml"))
        }
        guard let tmux = ["/usr/bin/tmux", "/usr/local/bin/tmux"].first(where: FileManager.default.isExecutableFile)
        else { throw TestFailure("tmux is not installed (scripts/ensure-deps installs it)") }
        self.tmux = tmux
        try call(["new-session", "-d", "-s", "e2e", "-x", "\(columns)", "-y", "\(rows)"])
        // Keep the pane after the program exits, to read what it left on screen.
        try call(["set-option", "-t", "e2e", "remain-on-exit", "on"])
        // With no client attached tmux would size the window itself; `manual` lets `resize` decide.
        try call(["set-option", "-t", "e2e", "window-size", "manual"])
        try call([
            "respawn-pane", "-k", "-t", "e2e",
            // `swift test` sets NO_COLOR=1, and the tmux server inherits it: a user's terminal has none.
            "unset NO_COLOR; export XDG_CONFIG_HOME=\(self.home.path)/config XDG_STATE_HOME=\(self.home.path)/state; "
                + "LANG=C.UTF-8 LC_ALL=C.UTF-8 \(command); echo $? > \(statusFile.path)",
        ])
    }

    /// A config and state directory's parent no session has used: pass it to sessions that must
    /// see what an earlier one left (and remove it after).
    static func newHome() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("moments-home-\(UUID().uuidString)")
    }

    @discardableResult
    func call(_ arguments: [String]) throws -> String {
        let result = try runQuick(tmux, ["-L", socket, "-f", "/dev/null"] + arguments)
        guard result.status == 0 else { throw TestFailure("tmux \(arguments.joined(separator: " ")): \(result.err)") }
        return result.out
    }

    /// The screen as text; with `escapes`, with colour codes too.
    func screen(escapes: Bool = false) throws -> String {
        try call(["capture-pane", "-p", "-t", "e2e"] + (escapes ? ["-e"] : []))
    }

    /// Resizes the terminal, as dragging a window's corner would (the program gets SIGWINCH).
    func resize(columns: Int, rows: Int) throws {
        try call(["resize-window", "-t", "e2e", "-x", "\(columns)", "-y", "\(rows)"])
    }

    func keys(_ keys: String...) throws { try call(["send-keys", "-t", "e2e"] + keys) }

    func type(_ text: String) throws { try call(["send-keys", "-t", "e2e", "-l", text]) }

    func waitForScreen(_ what: String, _ condition: (String) -> Bool) async throws -> String {
        var last = ""
        do {
            return try await eventually(what) { () -> String? in
                last = try screen()
                return condition(last) ? last : nil
            }
        } catch {
            throw TestFailure("\(error); the screen was:\n\(last)")
        }
    }

    /// The exit status once the program in the pane has ended.
    func exitStatus() async throws -> Int32 {
        try await eventually("the program to exit") { () -> Int32? in
            (try? String(contentsOf: statusFile, encoding: .utf8)).flatMap {
                Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }
    }

    /// The program's pid (a child of the pane's shell).
    func programPid() throws -> String {
        let shell = try call(["list-panes", "-t", "e2e", "-F", "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let children = try runQuick("/usr/bin/pgrep", ["-P", shell]).out.split(separator: "\n")
        guard let pid = children.first else { throw TestFailure("no program running in the pane") }
        return String(pid)
    }

    /// Expects the program to have exited 0 with the terminal restored (endwin() left the
    /// alternate screen, so the UI is gone).
    func expectCleanExit(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let status: Int32
        do {
            status = try await exitStatus()
        } catch {
            // What the program was doing when it did not leave: the failure must say it.
            let running = (try? programPid()).map { "still running as pid \($0)" } ?? "no program in the pane"
            Issue.record(
                "did not exit (\(running)); screen:\n\((try? screen()) ?? "(none)")", sourceLocation: sourceLocation)
            throw error
        }
        let screen = try screen()
        #expect(status == 0, "exit status \(status); screen:\n\(screen)", sourceLocation: sourceLocation)
        #expect(!screen.contains("Moments ·"), sourceLocation: sourceLocation)
    }

    func kill() {
        // kill-server alone answers 0 yet leaves this server running once the pane's program has
        // exited (tmux 3.3a); ending the only session ends the server.
        _ = try? call(["kill-session", "-t", "e2e"])
        _ = try? call(["kill-server"])
        try? FileManager.default.removeItem(at: statusFile)
        if ownsHome { try? FileManager.default.removeItem(at: home) }
    }
}
