import NIOCore
import NIOWebSocket

/// The protocol side of one push WebSocket as a value, tested without sockets: what the peer's
/// frames and the keep-alive timer mean (RFC 6455 control frames, our size and flood limits),
/// answered as actions that `WebSocketPushHandler` carries out.
struct WebSocketControl {
    enum Action: Equatable {
        case none
        case sendPong(ByteBuffer)
        case sendPing
        /// Send a close frame; the peer's answering close ends the connection, or the grace does.
        case sendClose(WebSocketErrorCode, reason: String)
        /// Answer the peer's close with its own payload, then hang up.
        case answerClose(ByteBuffer)
        /// Close the connection now, without a word.
        case hangUp
    }

    struct Limits {
        /// Bytes of one message (all its frames), above which it closes with 1009.
        var maxMessage: Int
        /// Messages a second (bursts of three seconds' worth), above which it closes with 1008.
        var messagesPerSecond: Double
    }

    /// A close frame went out: nothing but the closing handshake is sent from now on.
    private(set) var closing = false
    private var awaitingPong = false
    private var messageBytes = 0
    private var flood: TokenBucket
    private let limits: Limits

    init(limits: Limits, now: ContinuousClock.Instant = .now) {
        self.limits = limits
        flood = TokenBucket(burst: Self.burst(limits), now: now)
    }

    private static func burst(_ limits: Limits) -> Double { max(1, limits.messagesPerSecond * 3) }

    /// A frame from the peer. What peers send on a push socket is otherwise ignored.
    mutating func received(
        _ opcode: WebSocketOpcode, length: Int, fin: Bool, payload: ByteBuffer, now: ContinuousClock.Instant = .now
    ) -> Action {
        switch opcode {
        case .connectionClose:
            if closing { return .hangUp }
            closing = true
            return .answerClose(payload)
        case .ping:
            return closing ? .none : .sendPong(payload)
        case .pong:
            awaitingPong = false
            return .none
        case .text, .binary, .continuation:
            messageBytes += length
            if messageBytes > limits.maxMessage { return close(.messageTooLarge, reason: "message too big") }
            guard fin else { return .none }
            messageBytes = 0
            if flood.take(now: now, rate: limits.messagesPerSecond, burst: Self.burst(limits)) != nil {
                return close(.policyViolation, reason: "too many messages")
            }
            return .none
        default:
            return .none
        }
    }

    /// The keep-alive timer: ping, or give up on a peer that did not answer the last ping.
    mutating func pingTick() -> Action {
        guard !closing else { return .none }
        if awaitingPong { return .hangUp }
        awaitingPong = true
        return .sendPing
    }

    /// The server ends the conversation (shutdown 1001, lagging 4013, a limit).
    mutating func close(_ code: WebSocketErrorCode, reason: String) -> Action {
        guard !closing else { return .none }
        closing = true
        return .sendClose(code, reason: reason)
    }
}
