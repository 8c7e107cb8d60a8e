import ArgumentParser
import Foundation

/// `moments-bench suite`: the whole benchmark, as `scripts/bench` runs it. Every scenario on a
/// fresh server from a copy of one populated store, Moments and Nchan alternating, several
/// rounds; the JSON lines are kept, and a whole run redraws docs/benchmarks.md.
struct Suite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Every scenario against Moments (on SQLite and on PostgreSQL) and Nchan, or the PostgreSQL cluster, as scripts/bench runs them.",
        discussion: """
            Run from the repository's root (the reports are drawn by scripts/*-report into docs/). \
            With --quick: small sizes, one round, nothing written to docs/, exit 1 unless every scenario \
            completed with nothing lost. A subset (--scenarios, --targets) leaves docs/ alone too.
            """)

    @Flag(help: "Small sizes, one round: a smoke test that every scenario completes with nothing lost.")
    var quick = false
    @Option(help: "Rounds (3; 1 with --quick).") var rounds: Int?
    @Option(help: "Scenarios, separated by commas (all).") var scenarios: String?
    @Option(help: "moments, nchan or both, separated by commas (both).") var targets: String?
    @Option(help: "Keep the JSON lines in this file too.") var results: String?
    @Option(help: "Moments alone under a mixed load for this many seconds; writes the soak section.")
    var soak: Int?
    @Option(help: "The PostgreSQL cluster with this many nodes (needs MOMENTS_TEST_POSTGRES: scripts/with-postgres).")
    var cluster: Int?
    @Option(help: "The moments-server binary (the one beside this program).") var server: String?

    func validate() throws {
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be 1 or more") }
        if let cluster, cluster < 2 { throw ValidationError("--cluster wants 2 or more nodes") }
        let known = cluster == nil ? SuitePlan.allScenarios : ClusterPlan.allPhases
        if let chosen = scenarioList, let unknown = chosen.first(where: { !known.contains($0) }) {
            throw ValidationError("no scenario \(unknown): \(known.joined(separator: ","))")
        }
        _ = try targetList
    }

    private var scenarioList: [String]? {
        scenarios.map { $0.split(separator: ",").map(String.init) }
    }

    private var targetList: [SuiteTarget]? {
        get throws {
            try targets.map { list in
                try list.split(separator: ",").map { name in
                    guard let target = SuiteTarget(rawValue: String(name)) else {
                        throw ValidationError("no target \(name): moments, moments-postgres or nchan")
                    }
                    return target
                }
            }
        }
    }

    func run() async throws {
        let bench = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let tools = SuiteTools(
            bench: bench,
            server: server
                ?? URL(fileURLWithPath: bench).deletingLastPathComponent().appendingPathComponent(
                    "moments-server"
                ).path,
            work: try SuiteTools.temporaryFolder("moments-bench"))
        defer { try? FileManager.default.removeItem(at: tools.work) }
        RunningChildren.stopOnInterrupt(removing: tools.work)
        if let cluster {
            let plan = ClusterPlan(nodes: cluster, quick: quick, rounds: rounds, only: scenarioList)
            try await ClusterSuite(plan: plan, tools: tools, results: results).run()
        } else if let soak {
            try await SingleNodeSuite(plan: SuitePlan(quick: false), tools: tools).soak(seconds: soak)
        } else {
            let plan = SuitePlan(quick: quick, rounds: rounds, scenarios: scenarioList, targets: try targetList)
            try await SingleNodeSuite(plan: plan, tools: tools).run(results: results)
        }
    }
}

/// The programs and the scratch folder a suite works with.
struct SuiteTools: Sendable {
    let bench: String
    let server: String
    let work: URL

    static func temporaryFolder(_ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(name).\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    func file(_ name: String) -> URL { work.appendingPathComponent(name) }

    /// A line for the person watching, on stderr as the scripts printed them.
    static func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// A scenario run as a child, publishing with `apiKey`: its output goes to stderr, its JSON
    /// lines into `results` (under `target` when given: the generator only knows it spoke to
    /// Moments); true when it completed with nothing lost (exit status 2 is lost messages, in a
    /// ladder lost in a step that kept up).
    func scenario(_ arguments: [String], apiKey: String, results: URL, target: String? = nil) async throws -> Bool {
        let (status, text) = try await Child.run(
            bench, arguments, output: file("out.txt"), environment: ["MOMENTS_API_KEY": apiKey])
        Self.say(text.trimmingCharacters(in: .newlines))
        var lines = text.split(separator: "\n").filter { $0.hasPrefix("{") }.map { $0 + "\n" }.joined()
        if let target {
            lines = lines.replacingOccurrences(of: #""target":"moments""#, with: #""target":"\#(target)""#)
        }
        try Self.append(lines, to: results)
        if status != 0 { Self.say("bench: \(arguments[0]) failed (exit \(status))") }
        return status == 0
    }

    static func append(_ text: String, to file: URL) throws {
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    /// Draws a report with one of scripts/*-report.
    static func report(_ script: String, _ arguments: [String], output: URL) async throws {
        try await Child.succeed("/usr/bin/python3", ["scripts/\(script)"] + arguments, output: output)
    }
}
