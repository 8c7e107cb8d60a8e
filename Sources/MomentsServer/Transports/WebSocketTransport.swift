import Foundation
import Hummingbird
import HummingbirdWebSocket
import MomentsCore

/// `GET /api/ws`: hello, then the backlog after the cursor, then live events, as JSON text frames.
struct WebSocketTransport {
    enum CloseCode {
        /// The connection fell more than the queue capacity behind (private-use range).
        static let lagging: UInt16 = 4013
    }

    /// Clients only ever send small control messages; anything bigger is a protocol abuse.
    static let maxInboundMessage = 4096

    let stream: EventStream

    func register(on router: Router<MomentsRequestContext>, origins: OriginPolicy, auth: AuthMiddleware) {
        let api = router.group("api").add(middleware: UpgradeRefusal()).add(middleware: origins).add(middleware: auth)
        api.ws("ws") { request, _ in
            _ = try request.integer(query: "cursor", in: 0...Int64.max)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let user = context.requestContext.user else { return }
            let cursor = try? context.request.integer(query: "cursor", in: 0...Int64.max)
            try await stream(user: user, cursor: cursor, inbound: inbound, outbound: outbound)
        }
    }

    func stream(
        user: UserSummary, cursor: Int64?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
    ) async throws {
        let encoder = WireCoding.makeEncoder()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Reading is how a peer's close frame is seen; what peers send is otherwise ignored.
                for try await _ in inbound.messages(maxSize: Self.maxInboundMessage) {}
            }
            group.addTask {
                let end = try await stream.run(user: user, cursor: cursor) { item in
                    switch item {
                    case .hello(let hello):
                        try await outbound.writeTextMessage(String(decoding: try encoder.encode(hello), as: UTF8.self))
                    case .event(let event):
                        try await outbound.writeTextMessage(String(decoding: try encoder.encode(event), as: UTF8.self))
                    case .heartbeat:
                        break  // WebSocket pings keep this line alive
                    }
                }
                // Close from here, so the peer's answering close frame is what ends the reader.
                switch end {
                case .overflow:
                    try await outbound.close(.unknown(CloseCode.lagging), reason: "too far behind: reconnect with your cursor")
                case .shutdown:
                    try await outbound.close(.goingAway, reason: "server shutting down")
                case .cancelled, .resync:
                    break
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
