import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `rolling-restart`: every node of a cluster is stopped (SIGTERM) and started again, one at a
/// time, under a steady cross-node unicast load — first with the drain window the nodes run
/// with (their sockets closed over it, each with a hint of when to come back), then with none
/// (every socket of a node closed at once). Per pass: lost, duplicated, and the peak rate at
/// which the moved sockets connected to the other nodes.
struct RollingRestart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rolling-restart",
        abstract:
            "Moments only, several --url nodes: restart every node in turn under load, drained over a window, then all at once; peak reconnect rate, nothing lost or twice.",
        discussion:
            "Every node's --server-pid is needed, in --url's order. Nodes are started again from their own command line (/proc) with --drain-seconds set for the next pass; the ones started here are stopped at the end."
    )

    @OptionGroup var options: CommonOptions
    @Option(help: "Unicast messages per second throughout.") var rate = 500.0
    @Option(help: "The drain window the nodes were started with (their --drain-seconds).") var drainSeconds = 10

    func validate() throws {
        guard options.target == .moments, options.url.isCluster else {
            throw ValidationError("rolling-restart runs Moments on two or more nodes: --url A,B,…")
        }
        guard options.serverPid.count == options.url.count else {
            throw ValidationError("give one --server-pid per node, in --url's order")
        }
    }

    func run() async throws {
        let nodes = RestartedNodes(pids: options.serverPid)
        do {
            try await Session.with(options, failover: true) { session in
                var reports: [Report] = []
                var connecting = Report(scenario: "rolling-restart", options: options)
                try await session.connect(into: &connecting)
                // Drained passes first: the nodes were started with the window; each one
                // started again gets the next pass's.
                for (window, next) in [(drainSeconds, 0), (0, drainSeconds)] {
                    var report = Report(scenario: "rolling-restart", options: options)
                    report.add("nodes", options.url.count)
                    report.add("drain_seconds", window)
                    let started = Monotonic.now()
                    let received = try await session.underLoad(rate: rate, into: &report) {
                        for index in options.url.endpoints.indices {
                            try await restart(index, nodes: nodes, window: window, next: next, session: session)
                        }
                    }
                    let moves = received.moves.filter { $0 >= started }.sorted()
                    report.add("moved", moves.count)
                    report.add("restart_seconds", Monotonic.seconds(since: started))
                    report.add("peak_connects_per_second", Self.peak(moves, window: 1_000_000_000))
                    report.add("peak_connects_per_100ms", Self.peak(moves, window: 100_000_000))
                    reports.append(report)
                }
                return reports
            }
        } catch {
            await nodes.stopStarted()
            throw error
        }
        await nodes.stopStarted()
    }

    /// Stops node `index` (it drains over `window`), waits for it to be gone, starts it again
    /// with `next` as its window and waits until it is ready.
    private func restart(_ index: Int, nodes: RestartedNodes, window: Int, next: Int, session: Session) async throws {
        let pid = await nodes.pid(index)
        let command = try NodeCommand(of: pid)
        session.publisher.markDown(index)
        guard kill(pid, SIGTERM) == 0 else { throw BenchError("cannot stop node \(index) (pid \(pid))") }
        try await NodeCommand.waitForExit(of: pid, seconds: Double(window) + 60)
        let log = URL(fileURLWithPath: command.value(of: "--data-dir") ?? NSTemporaryDirectory())
            .appendingPathComponent("restarted.log")
        let child = try Child(
            command.executable, command.arguments(drainSeconds: next), output: log, environment: command.environment)
        await nodes.replace(index, with: child)
        try await child.waitUntilAnswering(options.url.endpoints[index].url + "/readyz", success: true, seconds: 60)
        session.publisher.markUp(index)
    }

    /// The most of `times` (sorted, nanoseconds) that fall in any span of `window`, per second.
    static func peak(_ times: [UInt64], window: UInt64) -> Double {
        var most = 0
        var first = 0
        for (last, time) in times.enumerated() {
            while time - times[first] >= window { first += 1 }
            most = max(most, last - first + 1)
        }
        return Double(most) * 1e9 / Double(window)
    }
}

/// The nodes' current processes: the ones the suite started, replaced by the ones this scenario
/// starts, which it stops when it is done.
actor RestartedNodes {
    private var pids: [Int32]
    private var started: [Child] = []

    init(pids: [Int32]) { self.pids = pids }

    func pid(_ index: Int) -> Int32 { pids[index] }

    func replace(_ index: Int, with child: Child) {
        pids[index] = child.pid
        started.append(child)
    }

    func stopStarted() async {
        for child in started { await child.stop() }
    }
}
