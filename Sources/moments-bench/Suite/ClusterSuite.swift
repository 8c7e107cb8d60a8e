import Foundation

/// N Moments nodes, each its own process, on the PostgreSQL `scripts/with-postgres` started
/// (MOMENTS_TEST_POSTGRES, MOMENTS_TEST_POSTGRES_PID); moments-bench spreads the sockets over
/// them. Each phase of a round (`ClusterPlan.phases`) on fresh nodes.
struct ClusterSuite {
    let plan: ClusterPlan
    let tools: SuiteTools
    let results: String?

    func run() async throws {
        let postgres = try SuitePostgres(tools: tools, purpose: "--cluster")
        // One populated database, copied for every run.
        SuiteTools.say("bench: populating \(plan.populated) users in PostgreSQL")
        try await postgres.createForPopulating("seed")
        let populateDir = tools.file("populate")
        let users = try await Child.succeed(
            tools.server,
            [
                "populate", "--users", String(plan.populated), "--postgres", postgres.url("seed"), "--data-dir",
                populateDir.path,
            ],
            output: tools.file("populate.txt"))
        let userLines = users.split(separator: "\n")
        let apiKey = try await Child.succeed(
            tools.server, ["api-key", "--postgres", postgres.url("seed"), "--data-dir", populateDir.path],
            output: tools.file("api-key.txt")
        ).trimmingCharacters(in: .whitespacesAndNewlines)

        let collected = tools.file("results.jsonl")
        var failures = 0
        for round in 1...plan.rounds {
            for phase in plan.phases(round: round) {
                let name = "\(phase.name.replacingOccurrences(of: "-", with: "_"))\(round)"
                let file = tools.file("\(phase.name)-users.txt")
                try Data(userLines.prefix(phase.users).map { $0 + "\n" }.joined().utf8).write(to: file)
                try await postgres.copy("seed", to: name)
                let nodes = try await startNodes(
                    database: postgres.url(name), apiKey: apiKey, drainSeconds: phase.drainSeconds)
                SuiteTools.say("bench: round \(round), \(phase.name), \(plan.nodes) nodes, \(phase.users) sockets")
                var command = [
                    phase.name, "--target", "moments", "--url", nodes.map(\.url).joined(separator: ","),
                    "--connections", String(phase.users), "--workers", String(min(plan.workers, phase.users)),
                    "--users-file", file.path, "--label", String(round),
                ]
                command += nodes.flatMap { ["--server-pid", String($0.child.pid)] }
                if let postmaster = postgres.postmaster { command += ["--postgres-pid", postmaster] }
                let completed = try await tools.scenario(
                    command + phase.arguments, apiKey: apiKey, results: collected)
                for node in nodes { await node.child.stop() }
                try await postgres.sql("DROP DATABASE \(name) WITH (FORCE)")
                if !completed { failures += 1 }
            }
        }
        if let results, FileManager.default.fileExists(atPath: collected.path) {
            try FileManager.default.copyReplacing(collected, with: results)
        }
        // A smoke test or a subset writes nothing to docs/ (a subset's JSON lines go to --results).
        if plan.quick || plan.only != nil {
            guard failures == 0 else { throw BenchError("bench --cluster \(plan.nodes): some phases failed") }
            SuiteTools.say("bench --cluster \(plan.nodes): every phase completed with nothing lost")
            return
        }
        // A full run that completed writes its figures even when a phase lost something: the
        // table shows which, and the exit status says so.
        guard FileManager.default.fileExists(atPath: collected.path) else {
            throw BenchError("bench --cluster \(plan.nodes): no results")
        }
        try FileManager.default.copyReplacing(collected, with: "docs/scaling-cluster.jsonl")
        try await SuiteTools.report(
            "cluster-report", ["docs/scaling-cluster.jsonl", "docs/scaling.md", "docs/scaling-cluster.svg"],
            output: tools.file("report.txt"))
        SuiteTools.say("bench: wrote the cluster section of docs/scaling.md and docs/scaling-cluster.svg")
        guard failures == 0 else {
            throw BenchError("bench --cluster \(plan.nodes): some phases failed or lost messages (see the table)")
        }
    }

    struct Node {
        let child: Child
        let url: String
    }

    /// The nodes on one database, each ready: the store writable and the cross-node feed
    /// (LISTEN) up. If one does not come up, the ones started are stopped.
    private func startNodes(database: String, apiKey: String, drainSeconds: Int) async throws -> [Node] {
        var nodes: [Node] = []
        do {
            for index in 1...plan.nodes {
                let port = try FreePort.pick()
                let data = tools.file("node-\(index)")
                try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
                let child = try Child(
                    tools.server,
                    [
                        "serve", "--port", String(port), "--postgres", database, "--data-dir", data.path,
                        "--connect-rate", "1000000", "--write-rate", "1000000", "--write-rate-address", "1000000",
                        "--max-connections", "100000", "--metrics-address", "none", "--access-log", "off",
                        "--drain-seconds", String(drainSeconds),
                    ], output: tools.file("node-\(index).log"), environment: ["MOMENTS_API_KEY": apiKey])
                nodes.append(Node(child: child, url: "http://127.0.0.1:\(port)"))
            }
            for node in nodes { try await node.child.waitUntilAnswering(node.url + "/readyz", success: true) }
            return nodes
        } catch {
            for node in nodes { await node.child.stop() }
            throw error
        }
    }
}
