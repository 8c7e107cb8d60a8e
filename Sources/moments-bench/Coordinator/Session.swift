import ArgumentParser
import Foundation
import Histogram

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
    }

    static func open(_ options: CommonOptions) throws -> Session {
        let users = try BenchUser.load(file: options.usersFile, count: options.connections)
        let pool = try WorkerPool.start(count: min(options.workers, options.connections), options: options)
        let publisher = Publisher(target: options.target, endpoint: options.url, apiKey: options.publisherKey)
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

    /// Forgets what arrived; with `since`, messages due before it are left out from then on.
    func reset(since: UInt64? = nil) async throws {
        _ = try await pool.request(.reset, since: since)
    }

    /// The time and both sides' CPU so far, to bracket a measured phase.
    func cpuMark() -> CPUMark {
        CPUMark.now(server: options.serverPid)
    }

    private func merged() async throws -> Received {
        var total = Received()
        for reply in try await pool.request(.report) {
            total.count += reply.received
            total.duplicates += reply.duplicates
            if let histogram = reply.histogram { total.histogram.add(histogram) }
            total.likes += reply.likes ?? []
            total.lastArrival = max(total.lastArrival, reply.lastArrival)
            total.errors += reply.errors
            total.stale += reply.stale
        }
        return total
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
    static func with(_ options: CommonOptions, _ body: (Session) async throws -> Report) async throws {
        let session = try open(options)
        do {
            let report = try await body(session)
            await session.close()
            report.print()
            if ["lost", "duplicates", "unexpected", "publish_errors"].contains(where: { (report.value($0) ?? 0) > 0 }) {
                throw ExitCode(2)
            }
        } catch {
            await session.close()
            throw error
        }
    }
}
