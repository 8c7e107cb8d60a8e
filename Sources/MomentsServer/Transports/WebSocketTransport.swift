import Foundation
import Hummingbird
import HummingbirdWebSocket
import MomentsCore
import NIOCore
import NIOWebSocket

/// `GET /api/ws`: hello, then the backlog after the cursor, then live events, as JSON text frames.
struct WebSocketTransport {
    enum CloseCode {
        /// The connection fell more than the queue capacity behind (private-use range).
        static let lagging: UInt16 = 4013
    }

    let stream: EventStream
    let admission: Admission
    let limits: Limits
    let metrics: ServerMetrics

    func register(on router: Router<MomentsRequestContext>, origins: OriginPolicy, auth: AuthMiddleware) {
        let api = router.group("api").add(middleware: UpgradeRefusal(metrics: metrics)).add(middleware: origins).add(
            middleware: auth)
        api.ws("ws") { request, context in
            _ = try request.integer(query: "cursor", in: 0...Int64.max)
            try admission.admit(user: try context.requireUser().id, address: context.clientAddress)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let user = context.requestContext.user else { return }
            let cursor = try? context.request.integer(query: "cursor", in: 0...Int64.max)
            try await stream(
                user: user, cursor: cursor, inbound: inbound, outbound: outbound,
                channel: context.requestContext.channel)
        }
    }

    /// The stream in this task, the peer's frames in one child: a connection costs this
    /// task, one child and Hummingbird's own (its memory is most of what an idle socket costs).
    func stream(
        user: UserSummary, cursor: Int64?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter,
        channel: any Channel
    ) async throws {
        let stop = StreamStop()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { stop.trigger() }
                // Reading is how a peer's close frame is seen; what peers send is otherwise ignored,
                // but a peer that floods is cut off (a message over the size limit closes with 1009).
                let flood = RateLimiter(perSecond: limits.webSocketMessagesPerSecond)
                for try await _ in inbound.messages(maxSize: limits.maxWebSocketMessage) where flood.take("") != nil {
                    metrics.rejected("websocket_flood")
                    try await outbound.close(.policyViolation, reason: "too many messages")
                    return
                }
            }
            let end = try await stream.run(user: user, cursor: cursor, channel: channel, stop: stop) { item in
                switch item {
                case .hello(let hello):
                    try await outbound.write(
                        .custom(WebSocketFrame(fin: true, opcode: .text, data: try Self.json(hello))))
                case .event(let pushed):
                    // The node's one encoding, shared: no copy per socket.
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: .text, data: pushed.json)))
                case .heartbeat:
                    break  // WebSocket pings keep this line alive
                }
            }
            // Close from here, so the peer's answering close frame is what ends the reader.
            switch end {
            case .overflow:
                metrics.rejected("lagging")
                try await outbound.close(
                    .unknown(CloseCode.lagging), reason: "too far behind: reconnect with your cursor")
            case .shutdown:
                try await outbound.close(.goingAway, reason: "server shutting down")
            case .cancelled, .resync:
                break
            }
            group.cancelAll()
        }
    }

    private static func json(_ hello: Hello) throws -> ByteBuffer {
        ByteBuffer(bytes: try WireCoding.makeEncoder().encode(hello))
    }
}
