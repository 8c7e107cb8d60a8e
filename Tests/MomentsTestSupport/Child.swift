import CTestSpawn
import Foundation
import Glibc

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
