import Testing

@testable import moments_bench

/// `moments-bench suite`'s matrix: which runs, in which order, at which sizes — what every
/// published figure is measured at.
@Suite("Suite plans: the benchmark's matrix")
struct SuitePlanTests {
    @Test(
        "a whole round: every scenario against Moments on each store, the five Nchan has against Nchan, Moments first"
    )
    func wholeRound() {
        let plan = SuitePlan(quick: false, rounds: 1)
        #expect(plan.isWhole)
        let moments = plan.runs.filter { $0.target == .moments }.map(\.scenario)
        let postgres = plan.runs.filter { $0.target == .momentsPostgres }.map(\.scenario)
        let nchan = plan.runs.filter { $0.target == .nchan }.map(\.scenario)
        #expect(moments == SuitePlan.allScenarios && postgres == SuitePlan.allScenarios)
        #expect(!SuitePlan(quick: false, targets: [.moments, .nchan]).isWhole)
        #expect(nchan == ["connect", "unicast", "broadcast", "longpoll", "unicast-max"])
        #expect(plan.runs.first?.target == .moments && plan.runs.last?.target == .nchan)
    }

    @Test("rounds alternate who goes first")
    func alternation() {
        let runs = SuitePlan(quick: false, rounds: 3).runs
        let firsts = (1...3).map { round in runs.first { $0.round == round }?.target }
        #expect(firsts == [.moments, .nchan, .moments])
        #expect(SuitePlan(quick: true).rounds == 1 && SuitePlan(quick: false).rounds == 3)
    }

    @Test("full sizes: 10,000 users; connect on 19,000; the unicast ladder on 1,000; likes-max on a 10-friend ring")
    func fullSizes() {
        let plan = SuitePlan(quick: false, rounds: 1, targets: [.moments])
        func run(_ scenario: String) -> SuitePlan.Run? { plan.runs.first { $0.scenario == scenario } }
        #expect(run("unicast")?.connections == 10_000)
        #expect(run("unicast")?.arguments == ["--rate", "2000", "--seconds", "10"])
        #expect(run("connect")?.connections == 19_000)
        #expect(run("connect")?.seed == SuitePlan.Seed(users: 19_000, friends: 4))
        #expect(run("unicast-max")?.connections == 1000)
        #expect(run("unicast-max")?.arguments == [])  // the scenario's own ladder
        #expect(run("likes-max")?.seed == SuitePlan.Seed(users: 10_000, friends: 10))
        #expect(run("likes-max")?.arguments == ["--friends", "10"])
        #expect(run("broadcast")?.arguments == ["20"])
        #expect(plan.seeds.map(\.description) == ["10000-f4", "19000-f4", "10000-f10"])
    }

    @Test("quick: small sizes, ladders of two short steps with a loose p99 limit, one store")
    func quickSizes() {
        let plan = SuitePlan(quick: true)
        #expect(plan.runs.allSatisfy { $0.connections == 300 })
        let ladder = plan.runs.first { $0.scenario == "unicast-max" }
        #expect(
            ladder?.arguments == ["--rates", "100,200", "--step-seconds", "1", "--gap", "0.5", "--p99-limit", "100"])
        #expect(plan.seeds == [SuitePlan.Seed(users: 300, friends: 4)])
    }

    @Test("a subset: only what was asked, its stores only, and it is not whole (docs/ are left alone)")
    func subset() {
        let plan = SuitePlan(quick: false, rounds: 2, scenarios: ["likes-max", "unicast"], targets: [.moments])
        #expect(!plan.isWhole)
        #expect(
            plan.runs.map { "\($0.round) \($0.scenario)" } == ["1 unicast", "1 likes-max", "2 unicast", "2 likes-max"])
        #expect(plan.seeds.map(\.description) == ["10000-f4", "10000-f10"])
        // Nchan has no likes: asking for likes against Nchan alone runs nothing.
        #expect(SuitePlan(quick: true, scenarios: ["likes"], targets: [.nchan]).runs.isEmpty)
    }

    @Test("the cluster: sockets a node, workers of 12,000 sockets at most, a different node killed each round")
    func cluster() {
        let full = ClusterPlan(nodes: 5, quick: false)
        #expect(full.users == 95_000 && full.lossUsers == 15_000)
        #expect(full.workers == 8)
        #expect(full.rounds == 3)
        #expect(full.lossArguments(round: 1).prefix(2) == ["--kill", "0"])
        #expect(full.lossArguments(round: 7).prefix(2) == ["--kill", "1"])
        let quick = ClusterPlan(nodes: 2, quick: true)
        #expect(quick.users == 300 && quick.workers == 2 && quick.rounds == 1)
        #expect(quick.clusterArguments.contains("--p99-limit"))
    }

    @Test("the cluster's phases: a rolling restart in the first round only, on nodes drained over its window")
    func clusterPhases() {
        let full = ClusterPlan(nodes: 3, quick: false)
        #expect(full.phases(round: 1).map(\.name) == ["cluster", "node-loss", "rolling-restart"])
        #expect(full.phases(round: 2).map(\.name) == ["cluster", "node-loss"])
        let rolling = full.phases(round: 1)[2]
        #expect(rolling.users == 3000 && rolling.drainSeconds == 10)
        #expect(rolling.arguments == ["--rate", "500", "--drain-seconds", "10"])
        #expect(full.phases(round: 1)[1].arguments.prefix(2) == ["--kill", "0"])
        let only = ClusterPlan(nodes: 2, quick: true, only: ["rolling-restart"])
        #expect(only.phases(round: 1).map(\.name) == ["rolling-restart"])
        #expect(only.phases(round: 1)[0].users == 150 && only.phases(round: 1)[0].drainSeconds == 2)
        #expect(only.populated == 150 && full.populated == full.users)
    }
}
