import Foundation

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
    /// Events one connection may fall behind before it is closed (1013) to resume later.
    public var subscriptionCapacity = 1024
    /// Install SIGINT/SIGTERM handlers (off for servers embedded in tests).
    public var handleSignals = true

    public init() {}

    public var databasePath: String { dataDir.appendingPathComponent("moments.sqlite").path }
}
