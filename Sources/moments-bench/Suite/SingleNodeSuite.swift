import Foundation

/// One Moments node (on SQLite, and on the PostgreSQL `scripts/with-postgres` started) and
/// Nchan on this machine, each scenario on a fresh server (a fresh copy of one populated store).
struct SingleNodeSuite {
    let plan: SuitePlan
    let tools: SuiteTools

    /// Moments' soak: 2,000 users, three workers of WebSockets and one of long-polls.
    static let soakSeed = SuitePlan.Seed(users: 2000, friends: 4)

    func run(results: String?) async throws {
        let apiKey = try await populate(plan.seeds)
        let postgres =
            plan.targets.contains(.momentsPostgres)
            ? try await populatePostgres(plan.runs.filter { $0.target == .momentsPostgres }.map(\.seed)) : nil
        let collected = tools.file("results.jsonl")
        var failures = 0
        for run in plan.runs {
            let server = try await start(run.target, seed: run.seed, apiKey: apiKey, postgres: postgres)
            SuiteTools.say("bench: round \(run.round), \(run.scenario), \(run.target.rawValue)")
            var arguments =
                [run.scenario] + run.arguments + [
                    "--target", run.target.generator.rawValue, "--url", server.url, "--connections",
                    String(run.connections), "--users-file", usersFile(run.seed, run.target).path, "--server-pid",
                    String(server.child.pid), "--label", String(run.round),
                ]
            if run.target == .momentsPostgres, let postmaster = postgres?.postmaster {
                arguments += ["--postgres-pid", postmaster]
            }
            let completed = try await tools.scenario(
                arguments, apiKey: apiKey, results: collected,
                target: run.target == .momentsPostgres ? run.target.rawValue : nil)
            await server.child.stop()
            if !completed { failures += 1 }
        }
        if !FileManager.default.fileExists(atPath: collected.path) {
            _ = FileManager.default.createFile(atPath: collected.path, contents: nil)
        }
        if let results { try FileManager.default.copyReplacing(collected, with: results) }
        if plan.quick {
            guard failures == 0 else {
                throw BenchError("bench --quick: \(failures) scenario(s) failed or lost messages")
            }
            SuiteTools.say("bench --quick: every scenario completed with nothing lost")
        } else if !plan.isWhole {
            SuiteTools.say("bench: a subset ran; docs/benchmarks.md left alone (\(failures) failed runs)")
        } else {
            // The raw lines are kept next to the page, so the page and plots can be redrawn without a rerun.
            try FileManager.default.copyReplacing(collected, with: "docs/benchmarks-results.jsonl")
            try await SuiteTools.report(
                "bench-report",
                [
                    "docs/benchmarks-results.jsonl", "docs/benchmarks.md", "docs/benchmarks-latency.svg",
                    "docs/benchmarks-rate.svg",
                ], output: tools.file("report.txt"))
            SuiteTools.say(
                "bench: wrote docs/benchmarks.md, docs/benchmarks-latency.svg and docs/benchmarks-rate.svg (\(failures) failed runs)"
            )
        }
    }

    func soak(seconds: Int) async throws {
        let seed = Self.soakSeed
        let apiKey = try await populate([seed])
        let server = try await start(.moments, seed: seed, apiKey: apiKey, postgres: nil)
        SuiteTools.say("bench: soak for \(seconds) s")
        let collected = tools.file("soak.jsonl")
        let completed = try await tools.scenario(
            [
                "soak", "--seconds", String(seconds), "--target", "moments", "--url", server.url, "--connections",
                String(seed.users), "--workers", "4", "--users-file", usersFile(seed, .moments).path, "--server-pid",
                String(server.child.pid),
            ], apiKey: apiKey, results: collected)
        await server.child.stop()
        guard completed else { throw BenchError("bench: the soak failed") }
        try FileManager.default.copyReplacing(collected, with: "docs/benchmarks-soak.jsonl")
        try await SuiteTools.report(
            "soak-report", ["docs/benchmarks-soak.jsonl", "docs/benchmarks.md", "docs/benchmarks-soak.svg"],
            output: tools.file("report.txt"))
        SuiteTools.say("bench: wrote the soak section of docs/benchmarks.md and docs/benchmarks-soak.svg")
    }

    // MARK: stores

    private func seedFolder(_ seed: SuitePlan.Seed) -> URL { tools.file("seed-\(seed)") }
    /// Each store signs its own tokens: its users file is its own.
    private func usersFile(_ seed: SuitePlan.Seed, _ target: SuiteTarget) -> URL {
        tools.file("users-\(seed)\(target == .momentsPostgres ? "-postgres" : "").txt")
    }
    private func seedDatabase(_ seed: SuitePlan.Seed) -> String { "seed_\(seed.users)_f\(seed.friends)" }

    /// Makes each store once; answers the publisher's API key (the first store's, which every
    /// server is started with).
    private func populate(_ seeds: [SuitePlan.Seed]) async throws -> String {
        for seed in seeds {
            SuiteTools.say("bench: creating store \(seed) (users-fFRIENDS)")
            let text = try await Child.succeed(
                tools.server,
                [
                    "populate", "--users", String(seed.users), "--neighbours", String(seed.friends), "--data-dir",
                    seedFolder(seed).path,
                ], output: tools.file("populate.txt"))
            try Data(text.utf8).write(to: usersFile(seed, .moments))
        }
        let key = try await Child.succeed(
            tools.server, ["api-key", "--data-dir", seedFolder(seeds[0]).path], output: tools.file("api-key.txt"))
        return key.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The same stores in PostgreSQL, each a database made once; every server there is
    /// started with the embedded stores' API key (`MOMENTS_API_KEY` overrides a store's own).
    private func populatePostgres(_ seeds: [SuitePlan.Seed]) async throws -> SuitePostgres {
        let postgres = try SuitePostgres(tools: tools, purpose: "moments-postgres")
        for seed in Set(seeds).sorted(by: { $0.description < $1.description }) {
            SuiteTools.say("bench: creating store \(seed) in PostgreSQL")
            try await postgres.createForPopulating(seedDatabase(seed))
            let text = try await Child.succeed(
                tools.server,
                [
                    "populate", "--users", String(seed.users), "--neighbours", String(seed.friends), "--postgres",
                    postgres.url(seedDatabase(seed)), "--data-dir", tools.file("populate-postgres").path,
                ], output: tools.file("populate.txt"))
            try Data(text.utf8).write(to: usersFile(seed, .momentsPostgres))
        }
        return postgres
    }

    // MARK: servers

    struct Server {
        let child: Child
        let url: String
    }

    private func start(_ target: SuiteTarget, seed: SuitePlan.Seed, apiKey: String, postgres: SuitePostgres?)
        async throws -> Server
    {
        let port = try FreePort.pick()
        let url = "http://127.0.0.1:\(port)"
        switch target {
        case .moments, .momentsPostgres:
            let data = tools.file("moments")
            try? FileManager.default.removeItem(at: data)
            var store: [String] = []
            if target == .momentsPostgres, let postgres {
                try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
                try await postgres.copy(seedDatabase(seed), to: "run")
                store = ["--postgres", postgres.url("run")]
            } else {
                try FileManager.default.copyItem(at: seedFolder(seed), to: data)
            }
            // Limits raised: the generator is one client address opening thousands of
            // connections. No access log, as nginx has none for Nchan here.
            let child = try Child(
                tools.server,
                [
                    "serve", "--port", String(port), "--data-dir", data.path, "--connect-rate", "1000000",
                    "--write-rate", "1000000", "--write-rate-address", "1000000", "--max-connections", "100000",
                    "--metrics-address", "none", "--access-log", "off",
                ] + store, output: tools.file("moments.log"), environment: ["MOMENTS_API_KEY": apiKey])
            try await child.waitUntilAnswering(url + (store.isEmpty ? "/healthz" : "/readyz"), success: !store.isEmpty)
            return Server(child: child, url: url)
        case .nchan:
            let folder = tools.file("nchan")
            try? FileManager.default.removeItem(at: folder)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let config = folder.appendingPathComponent("nginx.conf")
            try Data(NchanConfig.text(port: port, folder: folder.path).utf8).write(to: config)
            let child = try Child(
                "/usr/sbin/nginx", ["-c", config.path, "-p", folder.path], output: tools.file("nchan.log"))
            try await child.waitUntilAnswering(url + "/pub/probe")
            return Server(child: child, url: url)
        }
    }
}

extension FileManager {
    /// Copies `source` to `destination`, replacing what is there.
    func copyReplacing(_ source: URL, with destination: String) throws {
        try? removeItem(atPath: destination)
        try copyItem(atPath: source.path, toPath: destination)
    }
}
