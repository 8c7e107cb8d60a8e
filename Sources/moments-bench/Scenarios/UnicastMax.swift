import ArgumentParser

/// `unicast-max`: the highest unicast rate the server sustains with p99 within the limit and
/// nothing lost, found by a rate ladder on one set of sockets.
struct UnicastMax: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unicast-max",
        abstract:
            "Unicast at rising rates until the server stops keeping up; the highest step within --p99-limit is the sustained rate.",
        discussion:
            "A step passes with p99 within --p99-limit and nothing lost; the climb stops when publishing falls under 95% of the offered rate, p99 passes --saturated-p99, or anything is lost. Losses in an overloaded step are expected; exit status 2 only when a step kept up and still lost."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var ladder: LadderOptions
    @Option(help: "Offered rates per second, in order.", transform: LadderOptions.rates)
    var rates = [1000.0, 2000, 3000, 4000, 6000, 8000, 11000, 15000, 20000, 27000, 36000]

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "unicast-max", options: options)
            try await session.connect(into: &report)
            try await Self.climb(session, ladder: ladder, rates: rates, into: &report)
            return report
        }
    }

    /// On connected sockets.
    static func climb(_ session: Session, ladder: LadderOptions, rates: [Double], into report: inout Report)
        async throws
    {
        try await session.startPhase()
        let users = session.users
        let publisher = session.publisher
        try await Ladder(options: ladder, session: session).climb(rates: rates, into: &report) { rate, count, _ in
            _ = await OpenLoop.run(count: count, rate: rate) { _, due in
                await publisher.unicast(to: users.indices.randomElement()!, stamp: due)
            }
        } measure: { received, _ in
            // Stamped messages due before the step were already left out by the workers.
            (received.count, received.histogram)
        }
    }
}
