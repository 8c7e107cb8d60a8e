import ArgumentParser
import Foundation
import Synchronization

/// `soak`: a long mixed load, to show what a short run cannot — a slow leak. Unicast publishes
/// and likes all along; the WebSocket subscribers all dropped and reconnected every --churn
/// seconds; one worker's users long-polling; SSE readers and WebSockets that never read beside
/// them (the server cuts those, they come back). The server's RSS, open files and threads are
/// sampled every --sample seconds (scripts/soak-report reads the drift off them); at the end,
/// every message accounted for.
struct Soak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Moments only: mixed load for --seconds; server RSS, files and threads over time.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Seconds of load.") var seconds = 600.0
    @Option(help: "Unicast messages per second.") var rate = 200.0
    @Option(help: "Likes per second (each a new liker and post, while they last).") var likeRate = 5.0
    @Option(help: "Seconds between reconnects of every WebSocket subscriber.") var churn = 60.0
    @Option(help: "Seconds between samples of the server.") var sample = 10.0
    @Option(help: "SSE readers, and as many WebSockets that never read.") var sideStreams = 10

    func validate() throws {
        guard options.target == .moments else { throw ValidationError("soak runs Moments' own paths (likes, SSE)") }
        guard options.workers >= 2 else { throw ValidationError("soak needs --workers 2 or more (one long-polls)") }
        guard options.serverPid.count == 1, !options.url.isCluster else {
            throw ValidationError("soak samples one server: give one --url and its --server-pid")
        }
    }

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "soak", options: options)
            // The last worker's users long-poll; the others hold WebSockets.
            let webSockets = Array(session.pool.workers.dropLast())
            let polling = session.pool.workers.last!
            let replies = try await withThrowingTaskGroup(of: WorkerReply.self) { group in
                for worker in webSockets { group.addTask { try await worker.request(.connect) } }
                group.addTask { try await polling.request(.poll) }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let failed = replies.reduce(0) { $0 + $1.failed }
            guard failed == 0 else { throw BenchError("\(failed) subscribers failed to connect") }
            report.add("connected", replies.reduce(0) { $0 + $1.connected })
            try await session.reset()

            let users = session.users
            let publisher = session.publisher
            let side = SideStreams(endpoint: options.url.first)
            side.start(sse: Array(users.prefix(sideStreams)), stuck: Array(users.suffix(sideStreams)))
            let stopped = Atomic<Bool>(false)
            let stop: @Sendable () -> Bool = { stopped.load(ordering: .relaxed) }
            defer {
                stopped.store(true, ordering: .relaxed)  // also when a reconnect throws
                side.stop()
            }
            let unicasts = Task {
                await OpenLoop.run(count: .max, rate: rate, stop: stop) { _, due in
                    await publisher.unicast(to: users.indices.randomElement()!, stamp: due)
                }
            }
            // Every (friend, post) pair once: populate's ring has 4 friends a side. Only posts of
            // WebSocket users: the long-poll subscribers count published messages, not likes.
            let workers = session.pool.workers.count
            let authors = users.indices.filter { $0 % workers != workers - 1 }
            let likes = Task {
                await OpenLoop.run(count: authors.count * 4, rate: likeRate, stop: stop) { index, _ in
                    let author = authors[index % authors.count]
                    let liker = (author - 1 - index / authors.count + users.count) % users.count
                    await publisher.like(postOf: author, as: users[liker])
                }
            }

            let pid = options.serverPid[0]
            let start = Monotonic.now()
            var samples = [ProcessGauges.sample(pid: pid, at: 0)]
            var reconnects = 0
            var nextChurn = churn
            while Monotonic.seconds(since: start) < seconds {
                try await Task.sleep(for: .seconds(min(sample, seconds - Monotonic.seconds(since: start))))
                let elapsed = Monotonic.seconds(since: start)
                if elapsed >= nextChurn, elapsed < seconds {
                    for worker in webSockets {
                        let reply = try await worker.request(.reconnect)
                        reconnects += reply.connected
                        if reply.failed > 0 { report.errors.append("\(reply.failed) reconnects failed") }
                    }
                    nextChurn += churn
                }
                samples.append(ProcessGauges.sample(pid: pid, at: elapsed))
                let last = samples.last!
                FileHandle.standardError.write(
                    Data(
                        "soak: \(Int(elapsed)) s, RSS \(last.rssKB) KB, \(last.openFiles) files, \(last.threads) threads\n"
                            .utf8))
            }
            stopped.store(true, ordering: .relaxed)
            _ = await unicasts.value
            _ = await likes.value
            let received = try await session.collect(expected: publisher.succeeded)
            session.account(expected: publisher.succeeded, received: received, into: &report)
            report.add("seconds", Monotonic.seconds(since: start))
            report.add("churn_seconds", churn)
            report.add("reconnects", reconnects)
            report.add("sse_bytes", side.sseBytes)
            report.add("stuck_readers_opened", side.stuckOpened)
            report.samples = samples
            report.latency = Report.Latency(received.histogram)
            return report
        }
    }
}
