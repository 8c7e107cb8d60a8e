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
            let before = options.serverPid.map(ServerMemory.sample)
            let mark = session.cpuMark()
            try await session.connect(into: &report)
            // Per 1,000 connections, over the connect phase only (not the settling after it).
            mark.cost(until: session.cpuMark(), count: Int(report.value("connected") ?? 0)).add(into: &report)
            try await Task.sleep(for: .seconds(settle))
            if let pid = options.serverPid, let before {
                let after = ServerMemory.sample(pid: pid)
                let connections = Double(options.connections)
                report.add("server_rss_mb", Double(after.rssKB) / 1024)
                report.add("rss_kb_per_connection", Double(after.rssKB - before.rssKB) / connections)
                report.add("pss_kb_per_connection", Double(after.pssKB - before.pssKB) / connections)
            }
            return report
        }
    }
}
