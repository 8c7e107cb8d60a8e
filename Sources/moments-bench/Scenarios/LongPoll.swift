import ArgumentParser

/// `longpoll N`: N waiting long-polls, woken by broadcasts.
struct LongPoll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "longpoll",
        abstract: "N concurrent long-poll waiters woken by --messages broadcasts; wake-up latency.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Broadcasts, one a second, each waking every waiter.") var messages = 5

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "longpoll", options: options)
            try await session.connect(.poll, into: &report)
            try await session.reset()
            let publisher = session.publisher
            // The phase includes the second before each broadcast, when the waiters are idle:
            // what an idle long-poll costs is part of what it costs to wake one.
            let mark = session.cpuMark()
            for _ in 0..<messages {
                // A second for every waiter to be waiting again.
                try await Task.sleep(for: .seconds(1))
                await publisher.broadcast(stamp: Monotonic.now())
            }
            let expected = publisher.succeeded * options.connections
            let received = try await session.collect(expected: expected)
            mark.cost(until: session.cpuMark(), count: received.count).add(into: &report)
            session.account(expected: expected, received: received, into: &report)
            report.latency = Report.Latency(received.histogram)
            return report
        }
    }
}
