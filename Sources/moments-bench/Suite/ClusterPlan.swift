/// What `moments-bench suite --cluster N` runs: N Moments nodes on one PostgreSQL, each round
/// on fresh copies of one populated database. A value, so the sizes are tested without a cluster.
struct ClusterPlan: Equatable, Sendable {
    let nodes: Int
    let quick: Bool
    let rounds: Int
    /// The phases to run (`allPhases` when nil).
    let only: [String]?

    static let allPhases = ["cluster", "node-loss", "rolling-restart"]

    init(nodes: Int, quick: Bool, rounds: Int? = nil, only: [String]? = nil) {
        self.nodes = nodes
        self.quick = quick
        self.rounds = rounds ?? (quick ? 1 : 3)
        self.only = only
    }

    /// One scenario on fresh nodes: its sockets (the first `users` of the populated ones), its
    /// flags, and the nodes' drain window.
    struct Phase: Equatable, Sendable {
        let name: String
        let users: Int
        let arguments: [String]
        var drainSeconds = 10
    }

    /// What round `round` runs, in order: the cluster's figures, a node killed, and in the first
    /// round only a rolling restart (its figures are a comparison within one run).
    func phases(round: Int) -> [Phase] {
        let all =
            [
                Phase(name: "cluster", users: users, arguments: clusterArguments),
                Phase(name: "node-loss", users: lossUsers, arguments: lossArguments(round: round)),
            ]
            + (round == 1
                ? [
                    Phase(
                        name: "rolling-restart", users: nodes * rollingPerNode,
                        arguments: ["--rate", quick ? "100" : "500", "--drain-seconds", String(rollingDrainSeconds)],
                        drainSeconds: rollingDrainSeconds)
                ] : [])
        return all.filter { only?.contains($0.name) ?? true }
    }

    /// Users the phases need (each takes the first ones it needs).
    var populated: Int { phases(round: 1).map(\.users).max() ?? 0 }

    /// The rolling restart's sockets a node (3,000 on three nodes) and drain window.
    var rollingPerNode: Int { quick ? 75 : 1000 }
    var rollingDrainSeconds: Int { quick ? 2 : 10 }

    /// 19,000 sockets a node, as the single node has: its 20,000 files hold the listener, the
    /// database pool and the logs too.
    var perNode: Int { quick ? 150 : 19_000 }
    /// Node loss runs with room on the survivors for the moved sockets.
    var lossPerNode: Int { quick ? 100 : 3000 }
    var users: Int { nodes * perNode }
    var lossUsers: Int { nodes * lossPerNode }
    /// The generator's workers hold 12,000 sockets at most each.
    var workers: Int { quick ? 2 : (users + 11_999) / 12_000 }

    /// `moments-bench cluster`'s flags. Full: rates the cluster keeps up with on this machine's
    /// two cores, shared by the nodes, PostgreSQL and the generator; a step passes with p99 ≤
    /// 10 ms, and the climb goes on while p99 ≤ 1 s (docs/scaling.md says why).
    var clusterArguments: [String] {
        quick
            ? [
                "--rate", "100", "--seconds", "2", "--rates", "100,200", "--step-seconds", "1", "--gap", "0.5",
                "--p99-limit", "100", "--like-rate", "50", "--storm-rate", "100",
            ]
            : [
                "--p99-limit", "10", "--saturated-p99", "1000", "--rate", "200", "--like-rate", "200", "--storm-rate",
                "50", "--rates", "50,100,200,300,500,750,1000",
            ]
    }

    /// `moments-bench node-loss`'s flags for `round`: a different node dies each round.
    func lossArguments(round: Int) -> [String] {
        ["--kill", String((round - 1) % nodes)]
            + (quick ? ["--rate", "100", "--after", "3"] : ["--rate", "200", "--after", "5"])
    }
}
