import ArgumentParser

/// `broadcast M`: every message to every connected socket.
struct Broadcast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish M messages to everyone; deliveries per second and latency.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "Messages.") var messages = 20
    @Option(help: "Messages per second.") var rate = 5.0

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "broadcast", options: options)
            try await session.connect(into: &report)
            try await session.reset()
            let publisher = session.publisher
            let mark = session.cpuMark()
            let start = Monotonic.now()
            _ = await OpenLoop.run(count: messages, rate: rate) { _, due in await publisher.broadcast(stamp: due) }
            let expected = publisher.succeeded * options.connections
            let received = try await session.collect(expected: expected)
            // Per 1,000 deliveries (one message to one socket), not per message published.
            mark.cost(until: session.cpuMark(), count: received.count).add(into: &report)
            report.add("deliveries_per_second", Double(received.count) / (Double(received.lastArrival &- start) / 1e9))
            session.account(expected: expected, received: received, into: &report)
            report.latency = Report.Latency(received.histogram)
            return report
        }
    }
}
