import AsyncHTTPClient
import Foundation
import Logging
import MomentsClient
import MomentsCore
import MomentsServer
import MomentsStore
import NIOConcurrencyHelpers

/// A real Moments server on 127.0.0.1 with an OS-chosen port and a throwaway data dir.
final class TestServer: Sendable {
    let server: MomentsServer
    let port: Int
    let dataDir: URL
    private let task: Task<Void, any Error>

    /// Starts a server; `dataDir` reuses a previous server's store (restart tests).
    static func start(
        dataDir: URL? = nil, demo: Bool = true, _ tweak: @Sendable (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.handleSignals = false
        configuration.dataDir =
            dataDir
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("moments-test-\(UUID().uuidString)")
        configuration.metrics = ListenAddress(host: "127.0.0.1", port: 0)
        let logs = LogLines()
        configuration.accessLog = AccessLog { logs.add($0) }
        // The server's own deadlines stretch with the tests' bounds: a close the server owes is
        // read within `readToClose`'s 10 s, well before the idle deadline would close it anyway.
        configuration.limits.headerTimeout = .seconds(30).stretched
        configuration.postgresWait = TestPostgres.connectionWait
        configuration.drainWindow = .zero  // streams end at once on stop(), unless a test drains
        tweak(&configuration)
        let server = try await MomentsServer(
            configuration: configuration, logger: Logger(label: "test", factory: { _ in LogLines.Handler(lines: logs) })
        )
        if demo { try await DemoSeed.seedIfEmpty(server.store) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let metricsPort = MetricsPort()
        let task = Task {
            defer { continuation.finish() }
            try await server.run(
                onListening: { port in continuation.yield(port) },
                onMetricsListening: { port in metricsPort.value.withLockedValue { $0 = port } })
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw TestFailure("server stopped before listening")
        }
        // A TLS server's test certificate names localhost; plain servers are reached by address.
        let url = URL(string: configuration.tls == nil ? "http://127.0.0.1:\(port)" : "https://localhost:\(port)")!
        return TestServer(
            server: server, port: port, url: url, dataDir: configuration.dataDir, task: task, metricsPort: metricsPort,
            logs: logs)
    }

    private init(
        server: MomentsServer, port: Int, url: URL, dataDir: URL, task: Task<Void, any Error>,
        metricsPort: MetricsPort, logs: LogLines
    ) {
        self.server = server
        self.port = port
        self.url = url
        self.dataDir = dataDir
        self.task = task
        self.metricsPort = metricsPort
        self.logs = logs
    }

    /// Every line the server logged (its logger and its access log), in order.
    let logs: LogLines

    private let metricsPort: MetricsPort

    final class MetricsPort: Sendable {
        let value = NIOLockedValueBox<Int?>(nil)
    }

    /// The metrics listener's address, once it listens.
    func metricsURL() async throws -> URL {
        let port = try await eventually("the metrics listener") { metricsPort.value.withLockedValue { $0 } }
        return URL(string: "http://127.0.0.1:\(port)/metrics")!
    }

    /// What the metrics listener answers now.
    func metricsText() async throws -> String {
        let request = HTTPClientRequest(url: try await metricsURL().absoluteString)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        return String(buffer: try await response.body.collect(upTo: 1 << 20))
    }

    let url: URL

    func token(_ user: String) async throws -> String {
        try await server.tokens.issue(user: user, ttl: .seconds(3600))
    }

    func api(_ user: String) async throws -> MomentsAPI {
        MomentsAPI(server: url, token: try await token(user))
    }

    /// Graceful shutdown, waiting until the server has stopped; then fails if any line the
    /// server logged holds a token or the publisher key (every test that stops its server
    /// checks this).
    func stop() async throws {
        await server.shutdown()
        // Bounded: a shutdown that never ends fails the test that asked for it, by name.
        let task = self.task
        try await within { try await task.value }
        let secrets = [server.publisherKey, "eyJ"]  // every JWT starts with the base64 of `{"`
        if let leak = logs.all.first(where: { line in secrets.contains { line.contains($0) } }) {
            throw TestFailure("a secret reached the server's log: \(leak)")
        }
    }
}
