import ArgumentParser

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
            try await Self.measure(session, rate: rate, into: &report)
            return report
        }
    }

    /// On connected sockets.
    static func measure(_ session: Session, rate: Double, into report: inout Report) async throws {
        var drop: UInt64 = 0
        var reconnectSeconds = 0.0
        var replies: [WorkerReply] = []
        let received = try await session.underLoad(rate: rate, into: &report) {
            drop = Monotonic.now()
            replies = try await session.pool.request(.reconnect)
            reconnectSeconds = Monotonic.seconds(since: drop)
        }
        report.add("reconnect_seconds", reconnectSeconds)
        report.add("reconnected", replies.reduce(0) { $0 + $1.connected })
        report.add("reconnect_failed", replies.reduce(0) { $0 + $1.failed })
        report.errors += replies.flatMap(\.errors).prefix(5)
        report.add("caught_up_seconds", Double(received.lastArrival &- drop) / 1e9)
    }
}
