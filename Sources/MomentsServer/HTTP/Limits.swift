/// Every bound the server enforces against bad or hostile clients (docs/operations.md lists
/// them with their `serve` flags). Defaults are safe for one machine of this size.
public struct Limits: Sendable {
    /// Request bodies (posts, comments): over it, 413.
    public var maxBodyBytes = 64 * 1024
    /// JSON bodies nested deeper than this are refused (413) before decoding.
    public var maxJSONDepth = 16
    /// A client WebSocket message (reassembled) or frame: over it, close 1009.
    public var maxWebSocketMessage = 4096
    /// Writes (posts, likes, comments, marking read) per second, per user and per address; a
    /// burst of three seconds' worth is allowed. Over it, 429 with Retry-After.
    public var writesPerSecondPerUser = 10.0
    public var writesPerSecondPerAddress = 50.0
    /// New push connections (WebSocket, SSE, iframe) per second per address.
    public var connectsPerSecondPerAddress = 20.0
    /// Messages a client may send on its WebSocket per second; a flood is closed with 1008.
    public var webSocketMessagesPerSecond = 5.0
    /// Open push connections (including parked long-polls) per user (429), and in all (503).
    public var connectionsPerUser = 32
    public var connections = 20_000
    /// From a connection's start, or the end of its previous response, until the next
    /// request's headers are complete: a slowloris is cut off here however often it trickles,
    /// and an idle keep-alive connection is closed.
    public var headerTimeout: Duration = .seconds(30)

    public init() {}
}
