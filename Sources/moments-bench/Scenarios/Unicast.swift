import ArgumentParser

/// `unicast`: one message at a time to a random connected user, at a fixed rate.
struct Unicast: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish to random users at --rate for --seconds; latency publish → socket.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Messages per second.") var rate = 2000.0
    @Option(help: "Seconds to publish for.") var seconds = 10.0

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "unicast", options: options)
            try await session.connect(into: &report)
            try await Self.measure(session, rate: rate, seconds: seconds, into: &report)
            return report
        }
    }

    /// On connected sockets.
    static func measure(_ session: Session, rate: Double, seconds: Double, into report: inout Report) async throws {
        try await session.startPhase()
        let users = session.users
        let publisher = session.publisher
        let mark = session.cpuMark()
        let start = Monotonic.now()
        let sent = await OpenLoop.run(count: Int(rate * seconds), rate: rate) { _, due in
            await publisher.unicast(to: users.indices.randomElement()!, stamp: due)
        }
        report.add("achieved_rate", Double(sent) / Monotonic.seconds(since: start))
        let received = try await session.collect(expected: publisher.succeeded)
        mark.cost(until: session.cpuMark(), count: received.count).add(into: &report)
        session.account(expected: publisher.succeeded, received: received, into: &report)
        report.latency = Report.Latency(received.histogram)
    }
}
