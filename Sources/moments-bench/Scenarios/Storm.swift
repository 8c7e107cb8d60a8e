import ArgumentParser
import Synchronization

/// `storm N`: every client drops at once and reconnects with its cursor while messages keep
/// being published; how long until all have caught up, and nothing lost or twice.
struct Storm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "All clients reconnect at once under a steady unicast load.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Messages per second during the storm.") var rate = 500.0

    func validate() throws {
        guard options.target.resumes else {
            throw ValidationError("storm needs resumable streams: Nchan's plain WebSocket frames carry no message id")
        }
    }

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "storm", options: options)
            try await session.connect(into: &report)
            try await session.reset()
            let users = session.users
            let publisher = session.publisher
            let stopped = Atomic<Bool>(false)
            // From the first message of the load to the last arrival: the reconnects and the
            // catch-up are what a storm costs, per message delivered (replayed ones included).
            let mark = session.cpuMark()
            let load = Task {
                await OpenLoop.run(count: .max, rate: rate, stop: { stopped.load(ordering: .relaxed) }) { _, due in
                    await publisher.unicast(to: users.randomElement()!.id, stamp: due)
                }
            }
            try await Task.sleep(for: .seconds(1))
            let drop = Monotonic.now()
            let replies = try await session.pool.request(.reconnect)
            report.add("reconnect_seconds", Monotonic.seconds(since: drop))
            report.add("reconnected", replies.reduce(0) { $0 + $1.connected })
            report.add("reconnect_failed", replies.reduce(0) { $0 + $1.failed })
            stopped.store(true, ordering: .relaxed)
            _ = await load.value
            let received = try await session.collect(expected: publisher.succeeded)
            report.add("caught_up_seconds", Double(received.lastArrival &- drop) / 1e9)
            mark.cost(until: session.cpuMark(), count: received.count).add(into: &report)
            session.account(expected: publisher.succeeded, received: received, into: &report)
            report.latency = Report.Latency(received.histogram)
            return report
        }
    }
}
