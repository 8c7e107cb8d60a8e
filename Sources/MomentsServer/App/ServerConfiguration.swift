import Foundation
import MomentsStore

/// How `moments-server serve` was asked to run.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 lets the OS pick a free port (tests); `MomentsServer.run` reports the real one.
    public var port = 8080
    public var dataDir = URL(fileURLWithPath: "moments-data")
    /// WebSocket ping period; a peer that misses a pong by the next ping is dropped.
    public var pingInterval: Duration = .seconds(20)
    /// Off makes `/api/ws` refuse every upgrade: how clients' long-poll fallback is exercised.
    public var webSocketEnabled = true
    /// Events one connection may fall behind before it is closed (4013, `event: end`) to resume later.
    public var subscriptionCapacity = 1024
    /// Install SIGINT/SIGTERM handlers (off for servers embedded in tests).
    public var handleSignals = true
    /// A streaming response (SSE, iframe) quiet this long gets a heartbeat, so proxies and
    /// browsers keep it open and a dead peer is noticed by the failed write.
    public var streamHeartbeat: Duration = .seconds(15)
    /// Origins besides this server's own and loopback pages that may open WebSockets.
    public var allowedOrigins: [String] = []
    /// The web page's files; nil serves no page.
    public var webRoot: URL? = ServerConfiguration.sourceWebRoot
    /// The shared PostgreSQL store (and cross-node push) instead of the embedded SQLite one.
    public var postgres: PostgresAddress?
    /// How long a request waits for a PostgreSQL connection before it is answered 503
    /// `store_unavailable` (PostgreSQL down, or every pooled connection busy).
    public var postgresWait: Duration = .seconds(10)
    /// Bounds against bad and hostile clients.
    public var limits = Limits()
    /// Pictures: upload bounds, decoding threads, the two sizes, when unattached uploads go.
    public var media = MediaOptions()
    /// Where request and stream lines go (`moments-server serve` writes them to standard output).
    public var accessLog: AccessLog?
    /// On SIGTERM, open streams are ended over this long, spread (zero: all at once, 1001).
    public var drainWindow: Duration = .seconds(10)
    /// How long events are kept (nil: for ever). Clients resuming from before what is kept
    /// are told of the gap.
    public var eventRetention: Duration? = .seconds(90 * 86400)
    /// How long a write's answer is kept under its `Idempotency-Key`.
    public var idempotencyLifetime: Duration = .seconds(24 * 3600)
    /// Serve HTTPS and WSS on the port instead of plain HTTP.
    public var tls: TLSFiles?
    /// `serve --demo`: the page may list demo users with fresh tokens (a local demo only).
    public var demoLogins = false
    /// Reverse proxies (addresses or CIDR ranges) whose forwarding headers are believed.
    public var trustedProxies: [String] = []
    /// Where `/metrics` is served: a listener of its own, never the public one; nil serves none.
    public var metrics: ListenAddress?

    public init() {}

    /// assets/web of the checkout this server was built from, when it is still there.
    public static var sourceWebRoot: URL? {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("assets/web")
        return FileManager.default.fileExists(atPath: folder.appendingPathComponent("index.html").path) ? folder : nil
    }

    /// The embedded store's file in the data dir.
    static let databaseName = "moments.sqlite"

    public var databasePath: String { dataDir.appendingPathComponent(Self.databaseName).path }
}

/// A host and port to listen on.
public struct ListenAddress: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT` (`[::1]:9464` for IPv6).
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }
}
