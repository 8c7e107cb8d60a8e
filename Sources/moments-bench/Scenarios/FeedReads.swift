import ArgumentParser
import AsyncHTTPClient
import Histogram
import NIOConcurrencyHelpers

/// `feed`: `GET /api/feed` as users read it — their friends' posts, each with the likes and
/// comments the privacy rules let them see — at --rate; latency from when a read was due to
/// its whole answer.
struct FeedReads: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "Moments only: feed reads at --rate by random users; latency and CPU per read.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Reads per second.") var rate = 1000.0
    @Option(help: "Seconds to read for.") var seconds = 10.0

    func validate() throws {
        guard options.target == .moments else { throw ValidationError("feed is Moments' own read path") }
    }

    func run() async throws {
        let users = try BenchUser.load(file: options.usersFile, count: options.connections)
        guard users.allSatisfy({ !$0.token.isEmpty }) else { throw ValidationError("feed needs a --users-file") }
        var report = Report(scenario: "feed", options: options)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let outcomes = NIOLockedValueBox((histogram: Tally.emptyHistogram(), failed: 0, errors: [String]()))
        let url = options.url.endpoints[0].url + "/api/feed"
        let mark = CPUMark.now(servers: options.serverPid, postgres: options.postgresPid)
        let start = Monotonic.now()
        let sent = await OpenLoop.run(count: Int(rate * seconds), rate: rate) { _, due in
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Authorization", value: "Bearer \(users.randomElement()!.token)")
            var failure: String?
            do {
                let response = try await client.execute(request, timeout: .seconds(30))
                _ = try await response.body.collect(upTo: 1 << 22)
                if response.status != .ok { failure = "HTTP \(response.status.code)" }
            } catch {
                failure = String(describing: error)
            }
            let now = Monotonic.now()
            outcomes.withLockedValue { outcomes in
                if let failure {
                    outcomes.failed += 1
                    if outcomes.errors.count < 5 { outcomes.errors.append(failure) }
                } else {
                    Tally.record(due: due, arrival: now, in: &outcomes.histogram)
                }
            }
        }
        report.add("achieved_rate", Double(sent) / Monotonic.seconds(since: start))
        try? await client.shutdown()
        let (histogram, failed, errors) = outcomes.withLockedValue { ($0.histogram, $0.failed, $0.errors) }
        mark.cost(until: CPUMark.now(servers: options.serverPid, postgres: options.postgresPid), count: sent - failed)
            .add(into: &report)
        report.add("reads", sent - failed)
        report.add("publish_errors", failed)
        report.errors += errors
        report.latency = Report.Latency(histogram)
        report.print()
        if failed > 0 { throw ExitCode(2) }
    }
}
