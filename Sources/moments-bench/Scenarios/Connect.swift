import ArgumentParser

/// `connect N`: idle WebSockets, how fast they open and what each costs the server in memory.
struct Connect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open N idle WebSockets; connect rate and server memory per connection.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Seconds to let the server settle before measuring its memory.") var settle = 2.0

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "connect", options: options)
            try await Self.measure(session, settle: settle, into: &report)
            return report
        }
    }

    /// Connects the session's sockets.
    static func measure(_ session: Session, settle: Double, into report: inout Report) async throws {
        let pids = session.options.serverPid
        let before = pids.map(ServerMemory.sample)
        let mark = session.cpuMark()
        try await session.connect(into: &report)
        // Per 1,000 connections, over the connect phase only (not the settling after it).
        mark.cost(until: session.cpuMark(), count: Int(report.value("connected") ?? 0)).add(into: &report)
        try await Task.sleep(for: .seconds(settle))
        ServerMemory.report(
            before: before, after: pids.map(ServerMemory.sample), connections: session.users.count, into: &report)
    }
}
