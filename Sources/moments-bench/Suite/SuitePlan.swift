/// What a single-node run measures: Moments on its embedded store, Moments on PostgreSQL (one
/// node, the shared store's costs beside the embedded one's), or Nchan.
enum SuiteTarget: String, CaseIterable, Sendable {
    case moments
    case momentsPostgres = "moments-postgres"
    case nchan

    /// The server the generator talks to (both Moments targets speak Moments).
    var generator: Target { self == .nchan ? .nchan : .moments }
}

/// What `moments-bench suite` runs on one node: every scenario against Moments (on each store)
/// and Nchan, at the quick smoke-test sizes or the published ones, in rounds that alternate who
/// goes first. A value, so the matrix is tested without starting anything.
struct SuitePlan: Equatable, Sendable {
    /// In the order each target runs them.
    static let allScenarios = [
        "connect", "unicast", "broadcast", "longpoll", "unicast-max", "likes", "comments", "feed", "storm",
        "likes-max",
    ]
    /// Product paths and resume: Moments only (Nchan has no likes, and its plain WebSocket
    /// frames carry no message id to resume from).
    static let momentsOnly: Set<String> = ["likes", "comments", "feed", "storm", "likes-max"]

    /// A store populated once and copied for every run: USERS users, FRIENDS friends on each
    /// side of populate's ring.
    struct Seed: Hashable, Sendable, CustomStringConvertible {
        let users: Int
        let friends: Int
        var description: String { "\(users)-f\(friends)" }
    }

    /// One scenario against one target on a fresh server.
    struct Run: Equatable, Sendable {
        let round: Int
        let target: SuiteTarget
        let scenario: String
        let seed: Seed
        let connections: Int
        let arguments: [String]
    }

    let quick: Bool
    let rounds: Int
    let scenarios: [String]
    let targets: [SuiteTarget]

    init(quick: Bool, rounds: Int? = nil, scenarios: [String]? = nil, targets: [SuiteTarget]? = nil) {
        self.quick = quick
        self.rounds = rounds ?? (quick ? 1 : 3)
        self.scenarios = scenarios ?? Self.allScenarios
        self.targets = targets ?? SuiteTarget.allCases
    }

    /// Every scenario against every target: only then are docs/benchmarks.md's figures redrawn.
    var isWhole: Bool {
        Set(scenarios) == Set(Self.allScenarios) && Set(targets) == Set(SuiteTarget.allCases)
    }

    /// Subscribers of most scenarios, and users of the main store (a Moments broadcast goes to
    /// every user).
    var users: Int { quick ? 300 : 10_000 }
    /// The server process may open 20,000 files (ulimit -n): 19,000 sockets leave room for the rest.
    var connectUsers: Int { quick ? 300 : 19_000 }
    /// The unicast ladder on 1,000 sockets: the rate, not the socket count, is what it climbs.
    var ladderConnections: Int { quick ? 300 : 1000 }
    /// Every like of a ladder needs its own (liker, post) pair of friends: populate's default
    /// ring of 4 a side gives 10,000 users 80,000 pairs, used up before 6,000 likes/s; 10 a side
    /// give 200,000, enough to climb through 10,000/s.
    var likesFriends: Int { quick ? 4 : 10 }

    var mainSeed: Seed { Seed(users: users, friends: 4) }

    func seed(for scenario: String) -> Seed {
        switch scenario {
        case "connect": Seed(users: connectUsers, friends: 4)
        case "likes-max": Seed(users: users, friends: likesFriends)
        default: mainSeed
        }
    }

    func connections(for scenario: String) -> Int {
        switch scenario {
        case "connect": connectUsers
        case "unicast-max": ladderConnections
        default: users
        }
    }

    /// The scenario's own flags. Quick ladders climb two low steps of a second, to prove the
    /// mechanism with nothing lost (a debug server's p99 is over 5 ms even at 50/s, hence the
    /// loose limit: both steps run); full ones climb the scenarios' default rates, 5 s a step.
    func arguments(for scenario: String) -> [String] {
        switch (scenario, quick) {
        case ("unicast", true): ["--rate", "200", "--seconds", "2"]
        case ("unicast", false): ["--rate", "2000", "--seconds", "10"]
        case ("likes", true), ("comments", true), ("feed", true): ["--rate", "100", "--seconds", "2"]
        case ("likes", false), ("comments", false), ("feed", false): ["--rate", "1000", "--seconds", "10"]
        case ("broadcast", _): [quick ? "5" : "20"]
        case ("storm", _): ["--rate", quick ? "100" : "500"]
        case ("longpoll", _): ["--messages", quick ? "2" : "5"]
        case ("unicast-max", true): ["--rates", "100,200", "--step-seconds", "1", "--gap", "0.5", "--p99-limit", "100"]
        case ("likes-max", true):
            ["--rates", "50,100", "--step-seconds", "1", "--gap", "0.5", "--p99-limit", "100", "--friends", "4"]
        case ("likes-max", false): ["--friends", String(likesFriends)]
        default: []
        }
    }

    /// The stores the chosen runs need, each made once.
    var seeds: [Seed] {
        var seeds = [mainSeed]  // it holds the publisher's API key every run uses
        for run in runs where !seeds.contains(run.seed) { seeds.append(run.seed) }
        return seeds
    }

    /// In order. Odd rounds start with Moments, even ones with Nchan, so neither always runs
    /// on a warmer machine.
    var runs: [Run] {
        var runs: [Run] = []
        for round in 1...max(rounds, 1) {
            let order: [SuiteTarget] =
                round % 2 == 1 ? [.moments, .momentsPostgres, .nchan] : [.nchan, .momentsPostgres, .moments]
            for target in order where targets.contains(target) {
                for scenario in Self.allScenarios where scenarios.contains(scenario) {
                    if target == .nchan && Self.momentsOnly.contains(scenario) { continue }
                    runs.append(
                        Run(
                            round: round, target: target, scenario: scenario, seed: seed(for: scenario),
                            connections: connections(for: scenario), arguments: arguments(for: scenario)))
                }
            }
        }
        return runs
    }
}
