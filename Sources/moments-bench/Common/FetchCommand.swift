import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers

/// `moments-bench fetch`: one URL fetched as fast as it answers on `--connections` keep-alive
/// connections (HTTP/1.1), for scripts/bench-media's thumbnails against nginx's static file.
struct FetchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "GET one URL in a closed loop; prints requests, rate and failures.")

    @Option(help: "The URL.") var url: String
    @Option(help: "Connections, each with one request in flight.") var connections = 32
    @Option(help: "Seconds to fetch for.") var seconds = 10.0

    func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let counts = NIOLockedValueBox((done: 0, failed: 0, bytes: 0))
        let deadline = Date().addingTimeInterval(seconds)
        let start = Date()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    while Date() < deadline {
                        do {
                            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
                            let body = try await response.body.collect(upTo: 16 << 20)
                            counts.withLockedValue {
                                if response.status == .ok { $0.done += 1 } else { $0.failed += 1 }
                                $0.bytes += body.readableBytes
                            }
                        } catch {
                            counts.withLockedValue { $0.failed += 1 }
                        }
                    }
                }
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        try? await client.shutdown()
        let (done, failed, bytes) = counts.withLockedValue { ($0.done, $0.failed, $0.bytes) }
        print("requests \(done) rate \(String(format: "%.0f", Double(done) / elapsed)) failed \(failed) bytes \(bytes)")
    }
}
