import ArgumentParser
import MomentsServer

struct LimitOptions: ParsableArguments {
    private static let defaults = Limits()

    @Option(help: "Largest request body in bytes (413 past it).") var maxBody = defaults.maxBodyBytes
    @Option(help: "Deepest JSON nesting accepted in a body (413 past it).") var maxJsonDepth = defaults.maxJSONDepth
    @Option(help: "Largest client WebSocket message in bytes (close 1009 past it).")
    var maxWsMessage = defaults.maxWebSocketMessage
    @Option(help: "Writes per second per user (429 past it; bursts of 3 s allowed).")
    var writeRate = defaults.writesPerSecondPerUser
    @Option(help: "Writes per second per client address.") var writeRateAddress = defaults.writesPerSecondPerAddress
    @Option(help: "New push connections per second per client address.")
    var connectRate = defaults.connectsPerSecondPerAddress
    @Option(help: "Client WebSocket messages per second (close 1008 past it).")
    var wsMessageRate = defaults.webSocketMessagesPerSecond
    @Option(help: "Open push connections per user (429 past it).") var maxConnectionsPerUser = defaults
        .connectionsPerUser
    @Option(help: "Open push connections in all (503 past it).") var maxConnections = defaults.connections
    @Option(help: "Seconds for a request's headers to arrive, and for an idle keep-alive connection.")
    var headerTimeout = 30.0

    var limits: Limits {
        var limits = Limits()
        limits.maxBodyBytes = max(1024, maxBody)
        limits.maxJSONDepth = max(2, maxJsonDepth)
        limits.maxWebSocketMessage = max(256, maxWsMessage)
        limits.writesPerSecondPerUser = max(0.1, writeRate)
        limits.writesPerSecondPerAddress = max(0.1, writeRateAddress)
        limits.connectsPerSecondPerAddress = max(0.1, connectRate)
        limits.webSocketMessagesPerSecond = max(0.1, wsMessageRate)
        limits.connectionsPerUser = max(1, maxConnectionsPerUser)
        limits.connections = max(1, maxConnections)
        limits.headerTimeout = .milliseconds(Int64(max(0.1, headerTimeout) * 1000))
        return limits
    }
}
