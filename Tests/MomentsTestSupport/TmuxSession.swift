import Foundation
import Testing

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
            "unset NO_COLOR; export XDG_CONFIG_HOME=\(self.home.path)/config XDG_STATE_HOME=\(self.home.path)/state "
                + "XDG_CACHE_HOME=\(self.home.path)/cache; "
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
