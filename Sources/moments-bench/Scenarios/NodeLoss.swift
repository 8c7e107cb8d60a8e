import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// `node-loss`: one node of a cluster is killed (SIGKILL) under a steady cross-node unicast
/// load; its subscribers move to the other nodes from their last event id, the publisher sends
/// what its node did not answer to another under the same Idempotency-Key.
struct NodeLoss: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node-loss",
        abstract:
            "Moments only, several --url nodes: kill one node under load; time until its subscribers are back on the others, and nothing lost or twice.",
        discussion:
            "Every node's --server-pid is needed, in --url's order: the scenario kills one. Leave the nodes room for the moved sockets (files per process)."
    )

    @OptionGroup var options: CommonOptions
    @Option(help: "Unicast messages per second, before and after the kill.") var rate = 2000.0
    @Option(help: "The node to kill: its place in --url, from 0.") var kill = 0
    @Option(help: "Seconds of load after the kill.") var after = 5.0

    func validate() throws {
        guard options.target == .moments, options.url.isCluster else {
            throw ValidationError("node-loss runs Moments on two or more nodes: --url A,B,…")
        }
        guard options.serverPid.count == options.url.count else {
            throw ValidationError("give one --server-pid per node, in --url's order")
        }
        guard options.url.endpoints.indices.contains(kill) else {
            throw ValidationError("--kill is a node's place in --url")
        }
    }

    func run() async throws {
        try await Session.with(options, failover: true) { session in
            var report = Report(scenario: "node-loss", options: options)
            report.add("nodes", options.url.count)
            try await session.connect(into: &report)
            let victim = options.serverPid[kill]
            let publisher = session.publisher
            var killed: UInt64 = 0
            _ = try await session.underLoad(rate: rate, into: &report) {
                killed = Monotonic.now()
                guard Glibc.kill(victim, SIGKILL) == 0 else {
                    throw BenchError("cannot kill node \(kill) (pid \(victim))")
                }
                publisher.markDown(kill)
                try await Task.sleep(for: .seconds(after))
            }
            // Moved sockets that received nothing in the phase are not waited for by the
            // collection of messages: wait for every one of them (or give up after a while).
            let orphaned = session.users.indices.filter { options.url.home(of: $0) == kill }.count
            var moved = try await session.merged()
            let deadline = Monotonic.now() + 30_000_000_000
            while moved.failedOver(from: kill) < orphaned, Monotonic.now() < deadline {
                try await Task.sleep(for: .milliseconds(200))
                moved = try await session.merged()
            }
            report.add("orphaned", orphaned)
            report.add("failed_over", moved.failedOver(from: kill))
            report.add("stranded", orphaned - moved.failedOver(from: kill))
            // Kill to the last moved socket's hello: its backlog follows at once (the latency
            // maximum is the longest any message waited, the catch-up included). The nodes' CPU
            // figures are the surviving nodes'.
            report.add("failover_seconds", moved.lastFailover > killed ? Double(moved.lastFailover - killed) / 1e9 : 0)
            return report
        }
    }
}
