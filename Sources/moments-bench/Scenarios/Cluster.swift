import ArgumentParser

/// `cluster`: the single-node scenarios on one set of sockets spread over a cluster's nodes,
/// every message published on a node other than the one its recipient is connected to.
struct Cluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Moments only, several --url nodes: connect, cross-node unicast at a rate and as a ladder, cross-node likes, a reconnect storm; one report each.",
        discussion:
            "Give every node's --server-pid (in --url's order) and PostgreSQL's --postgres-pid for CPU and memory figures. Subscriber i connects to node i mod N."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var ladder: LadderOptions
    @Option(help: "Unicast rate of the fixed-rate phase, per second.") var rate = 500.0
    @Option(help: "Seconds of the fixed-rate unicast and likes phases.") var seconds = 10.0
    @Option(help: "Unicast ladder rates, in order.", transform: LadderOptions.rates)
    var rates = [250.0, 500, 750, 1000, 1500, 2000, 3000, 4000]
    @Option(help: "Likes per second.") var likeRate = 500.0
    @Option(help: "Unicast rate during the storm.") var stormRate = 500.0
    @Option(help: "Seconds to let the nodes settle before measuring their memory.") var settle = 2.0
    @Option(help: "Seconds of quiet after connecting: the idle CPU taken out of each phase's per-message CPU.")
    var idleSeconds = 5.0

    func validate() throws {
        guard options.target == .moments, options.url.isCluster else {
            throw ValidationError("cluster runs Moments on two or more nodes: --url A,B,…")
        }
        guard options.serverPid.isEmpty || options.serverPid.count == options.url.count else {
            throw ValidationError("give one --server-pid per node, in --url's order")
        }
        guard Int(likeRate * seconds) <= options.connections else {
            throw ValidationError("--like-rate × --seconds likes need as many users (--connections)")
        }
    }

    func run() async throws {
        try await Session.with(options) { session in
            func report(_ name: String) -> Report {
                var report = Report(scenario: "cluster-\(name)", options: options)
                report.add("nodes", options.url.count)
                return report
            }
            var connect = report("connect")
            try await Connect.measure(session, settle: settle, into: &connect)
            if let postmaster = options.postgresPid {
                connect.add("postgres_connections", PostgresBackends.count(postmaster: postmaster))
            }
            let idle = try await IdleCPU.measure(session, seconds: idleSeconds)
            idle.add(into: &connect)
            var unicast = report("unicast")
            try await Unicast.measure(session, rate: rate, seconds: seconds, into: &unicast)
            var unicastMax = report("unicast-max")
            try await UnicastMax.climb(session, ladder: ladder, rates: rates, into: &unicastMax)
            var likes = report("likes")
            try await Likes.measure(session, .like, rate: likeRate, seconds: seconds, distance: 1, into: &likes)
            var storm = report("storm")
            try await Storm.measure(session, rate: stormRate, into: &storm)
            var phases = [unicast, unicastMax, likes, storm]
            for index in phases.indices { idle.subtract(from: &phases[index]) }
            return [connect] + phases
        }
    }
}
