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

    static let replayPage = 500
    /// Clients only ever send small control messages; anything bigger is a protocol abuse.
    static let maxInboundMessage = 4096

    let store: any MomentsStore
    let hub: PushHub

    func register(on router: Router<MomentsRequestContext>, auth: AuthMiddleware) {
        router.group("api").add(middleware: UpgradeRefusal()).add(middleware: auth).ws("ws") { request, _ in
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
        // Subscribe before reading the backlog: whatever commits in between is queued, not lost.
        let subscription = hub.subscribe(user: user.id)
        defer { hub.unsubscribe(subscription) }
        let position = try await store.streamPosition(user: user.id)
        let start = cursor ?? position.cursor
        let encoder = WireCoding.makeEncoder()
        try await outbound.writeTextMessage(
            String(decoding: try encoder.encode(Hello(user: user, unread: position.unread, cursor: start)), as: UTF8.self))

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Reading is how a peer's close frame is seen; what peers send is otherwise ignored.
                for try await _ in inbound.messages(maxSize: Self.maxInboundMessage) {}
            }
            group.addTask {
                var last = start
                while true {
                    let page = try await store.events(user: user.id, after: last, limit: Self.replayPage)
                    for event in page {
                        try await outbound.writeTextMessage(String(decoding: try encoder.encode(event), as: UTF8.self))
                        last = event.id
                    }
                    if page.count < Self.replayPage { break }
                }
                for await event in subscription where event.id > last {
                    try await outbound.writeTextMessage(String(decoding: try encoder.encode(event), as: UTF8.self))
                    last = event.id
                }
                // Close from here, so the peer's answering close frame is what ends the reader.
                switch subscription.endReason {
                case .overflow:
                    try await outbound.close(.unknown(CloseCode.lagging), reason: "too far behind: reconnect with your cursor")
                case .shutdown:
                    try await outbound.close(.goingAway, reason: "server shutting down")
                case .cancelled, nil:
                    break
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
