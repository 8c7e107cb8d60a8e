import ArgumentParser
import Foundation
import Histogram
import Synchronization

/// One scenario run: the users, the worker processes holding their sockets, the publisher.
struct Session {
    let options: CommonOptions
    let users: [BenchUser]
    let pool: WorkerPool
    let publisher: Publisher

    /// Everything the workers received, added up.
    struct Received {
        var count = 0
        var duplicates = 0
        var histogram = Tally.emptyHistogram()
        var likes: [LikeArrival] = []
        var lastArrival: UInt64 = 0
        var errors: [String] = []
        /// Left out as due before the last `reset(since:)`.
        var stale = 0
        /// Subscribers moved to another node, by the node they were first on.
        var failedOver: [Int] = []
        var lastFailover: UInt64 = 0
        /// When each move to another node completed (monotonic), in no order.
        var moves: [UInt64] = []

        func failedOver(from node: Int) -> Int { failedOver.indices.contains(node) ? failedOver[node] : 0 }
    }

    /// `failover`: the publisher sends what a node did not answer to another (node loss).
    static func open(_ options: CommonOptions, failover: Bool = false) throws -> Session {
        let users = try BenchUser.load(file: options.usersFile, count: options.connections)
        let pool = try WorkerPool.start(count: min(options.workers, options.connections), options: options)
        let publisher = Publisher(
            target: options.target, nodes: options.url, users: users, apiKey: options.publisherKey,
            failover: failover)
        return Session(options: options, users: users, pool: pool, publisher: publisher)
    }

    /// Opens every socket (or long-poll loop); all must succeed, else the numbers would lie.
    func connect(_ kind: WorkerCommand.Kind = .connect, into report: inout Report) async throws {
        let start = Monotonic.now()
        let replies = try await pool.request(kind)
        let seconds = Monotonic.seconds(since: start)
        let connected = replies.reduce(0) { $0 + $1.connected }
        let failed = replies.reduce(0) { $0 + $1.failed }
        report.add("connected", connected)
        report.add("connect_per_second", Double(connected) / seconds)
        guard failed == 0 else {
            let errors = replies.flatMap(\.errors).prefix(5).joined(separator: "; ")
            throw BenchError("\(failed) of \(connected + failed) connections failed: \(errors)")
        }
    }

    /// Waits until `expected` events have arrived, or nothing new has for `quiet`.
    func collect(expected: Int, quiet: Double = 10) async throws -> Received {
        var lastCount = -1
        var lastProgress = Monotonic.now()
        while true {
            let received = try await merged()
            if received.count >= expected { return received }
            if received.count != lastCount {
                lastCount = received.count
                lastProgress = Monotonic.now()
            } else if Monotonic.seconds(since: lastProgress) > quiet {
                return received
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Before a measured phase on connected sockets: forgets what arrived and what was published;
    /// a straggler from an earlier phase (due before now) is left out.
    func startPhase() async throws {
        try await reset(since: Monotonic.now())
        publisher.forgetOutcomes()
    }

    /// Forgets what arrived; with `since`, messages due before it are left out from then on.
    func reset(since: UInt64? = nil) async throws {
        _ = try await pool.request(.reset, since: since)
    }

    /// The time and both sides' CPU so far, to bracket a measured phase.
    func cpuMark() -> CPUMark {
        CPUMark.now(servers: options.serverPid, postgres: options.postgresPid)
    }

    func merged() async throws -> Received {
        var total = Received()
        for reply in try await pool.request(.report) {
            total.count += reply.received
            total.duplicates += reply.duplicates
            if let histogram = reply.histogram { total.histogram.add(histogram) }
            total.likes += reply.likes ?? []
            total.lastArrival = max(total.lastArrival, reply.lastArrival)
            total.errors += reply.errors
            total.stale += reply.stale
            for (node, count) in reply.failedOver.enumerated() {
                if total.failedOver.count <= node { total.failedOver.append(0) }
                total.failedOver[node] += count
            }
            total.lastFailover = max(total.lastFailover, reply.lastFailover)
            total.moves += reply.moves ?? []
        }
        return total
    }

    /// Unicast to random users at `rate` while `disruption` runs (after a second of load), then
    /// waits for everything published to arrive, accounts for it and returns what arrived. CPU
    /// is counted from the first message to the last arrival: the disruption and the catch-up
    /// are what it costs, per message delivered (replayed ones included).
    func underLoad(
        rate: Double, into report: inout Report, disruption: () async throws -> Void
    ) async throws -> Received {
        try await startPhase()
        let users = users
        let publisher = publisher
        let stopped = Atomic<Bool>(false)
        let mark = cpuMark()
        let start = Monotonic.now()
        let load = Task {
            await OpenLoop.run(count: .max, rate: rate, stop: { stopped.load(ordering: .relaxed) }) { _, due in
                await publisher.unicast(to: users.indices.randomElement()!, stamp: due)
            }
        }
        do {
            try await Task.sleep(for: .seconds(1))
            try await disruption()
        } catch {
            stopped.store(true, ordering: .relaxed)
            _ = await load.value
            throw error
        }
        stopped.store(true, ordering: .relaxed)
        report.add("achieved_rate", Double(await load.value) / Monotonic.seconds(since: start))
        let received = try await collect(expected: publisher.succeeded)
        mark.cost(until: cpuMark(), count: received.count).add(into: &report)
        account(expected: publisher.succeeded, received: received, into: &report)
        report.latency = Report.Latency(received.histogram)
        return received
    }

    /// Publisher outcomes and delivery counts, the same way in every scenario.
    func account(expected: Int, received: Received, into report: inout Report) {
        report.add("published", publisher.succeeded)
        report.add("publish_errors", publisher.failed)
        report.add("delivered", received.count)
        report.add("lost", max(0, expected - received.count))
        // More than was sent: a server repeating itself (Moments' duplicates are caught by id).
        report.add("unexpected", max(0, received.count - expected))
        if options.target.resumes { report.add("duplicates", received.duplicates) }
        report.errors += publisher.errors + received.errors
    }

    func close() async {
        pool.stop()
        await publisher.shutdown()
    }
}

extension Session {
    /// Runs `body` with a session, closing it however the body ends.
    static func with(
        _ options: CommonOptions, failover: Bool = false, _ body: (Session) async throws -> Report
    ) async throws {
        try await with(options, failover: failover) { [try await body($0)] }
    }

    /// One session, several measured phases, a report each (in order).
    static func with(
        _ options: CommonOptions, failover: Bool = false, _ body: (Session) async throws -> [Report]
    ) async throws {
        let session = try open(options, failover: failover)
        let reports: [Report]
        do {
            reports = try await body(session)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
        for report in reports { report.print() }
        let failures = ["lost", "duplicates", "unexpected", "publish_errors", "stranded"]
        if reports.contains(where: { report in failures.contains { (report.value($0) ?? 0) > 0 } }) {
            throw ExitCode(2)
        }
    }
}
