import Foundation
import GRDB
import MomentsCore
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@testable import MomentsPush
@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// One upgraded `/api/ws` connection's handler on a testing channel: a real hub and an
/// in-memory store, frames read as the handler writes them, the keep-alive and the overflow
/// grace driven by hand on the channel's own clock. No socket, no wall time.
@Suite("WebSocket push handler, without sockets")
struct WebSocketPushHandlerTests {
    struct Node {
        let store: SQLiteStore
        let pings = PingWheel()
        let dependencies: WebSocketPushHandler.Dependencies

        init(capacity: Int = 100) async throws {
            let hub = PushHub()
            store = try SQLiteStore(writer: try DatabaseQueue(), sink: hub)
            try await store.saveUser(id: "alice", name: "Alice")
            dependencies = WebSocketPushHandler.Dependencies(
                store: store, hub: hub, metrics: ServerMetrics(), limits: Limits(),
                stream: StreamLimits(capacity: capacity), pings: pings, accessLog: nil)
        }

        /// A socket of alice's, upgraded with `cursor`.
        func open(cursor: Int64?) async throws -> NIOAsyncTestingChannel {
            let channel = NIOAsyncTestingChannel()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
            let dependencies = self.dependencies
            try await channel.testingEventLoop.executeInContext {
                let grant = PushGrant(user: UserSummary(id: "alice", name: "Alice"), cursor: cursor, client: "test")
                try channel.pipeline.syncOperations.addHandler(
                    WebSocketPushHandler(grant: grant, dependencies: dependencies))
            }
            return channel
        }

        /// `count` custom events for alice, in one commit; their ids.
        @discardableResult
        func publish(_ count: Int) async throws -> [Int64] {
            var ids: [Int64] = []
            for _ in 0..<count { ids += try await store.publish(to: ["alice"], data: #"{"n":1}"#) }
            return ids
        }
    }

    static func next(_ channel: NIOAsyncTestingChannel) async throws -> WebSocketFrame {
        try await within { try await channel.waitForOutboundWrite(as: WebSocketFrame.self) }
    }

    /// The id of an event frame, or nil for a hello.
    static func id(of frame: WebSocketFrame) throws -> Int64? {
        let text = String(buffer: frame.unmaskedData)
        if text.contains(#""type":"hello""#) { return nil }
        let mark = try WireCoding.makeDecoder().decode(StreamMark.self, from: Data(text.utf8))
        return mark.id
    }

    static func closeCode(of frame: WebSocketFrame) -> UInt16? {
        guard frame.opcode == .connectionClose else { return nil }
        var data = frame.unmaskedData
        return data.readInteger(as: UInt16.self)
    }

    @Test("a hello, the backlog after the cursor, then live events: each id once, in order")
    func deliveryInOrder() async throws {
        let node = try await Node()
        let backlog = try await node.publish(3)
        let channel = try await node.open(cursor: backlog[0])
        #expect(try Self.id(of: try await Self.next(channel)) == nil)
        #expect(try Self.id(of: try await Self.next(channel)) == backlog[1])
        #expect(try Self.id(of: try await Self.next(channel)) == backlog[2])
        let live = try await node.publish(2)
        for id in live { #expect(try Self.id(of: try await Self.next(channel)) == id) }
        #expect(try await channel.readOutbound(as: WebSocketFrame.self) == nil)
        _ = try? await channel.finish()
    }

    @Test("a reader that stops taking frames: queued up to the capacity, then 4013, then cut off after the grace")
    func overflow() async throws {
        let node = try await Node(capacity: 2)
        let channel = try await node.open(cursor: nil)
        #expect(try Self.id(of: try await Self.next(channel)) == nil)  // hello; nothing to replay
        try await eventually("live") { node.dependencies.hub.subscriptionCount == 1 ? true : nil }
        try await channel.testingEventLoop.executeInContext { channel.isWritable = false }
        try await node.publish(2)
        try await node.publish(1)
        let close = try await Self.next(channel)
        #expect(Self.closeCode(of: close) == WebSocketPushHandler.CloseCode.lagging)
        #expect(channel.isActive)
        await channel.testingEventLoop.advanceTime(by: StreamLimits.overflowGrace)
        #expect(!channel.isActive)
    }

    @Test("writable again before the capacity: what waited goes out in order, nothing lost")
    func backpressure() async throws {
        let node = try await Node(capacity: 10)
        let channel = try await node.open(cursor: nil)
        _ = try await Self.next(channel)
        try await eventually("live") { node.dependencies.hub.subscriptionCount == 1 ? true : nil }
        try await channel.testingEventLoop.executeInContext { channel.isWritable = false }
        let ids = try await node.publish(3)
        try await eventually("queued") {
            node.dependencies.hub.queuedEvents == 3 ? true : nil
        }
        #expect(try await channel.readOutbound(as: WebSocketFrame.self) == nil)
        try await channel.testingEventLoop.executeInContext {
            channel.isWritable = true
            channel.pipeline.fireChannelWritabilityChanged()
        }
        for id in ids { #expect(try Self.id(of: try await Self.next(channel)) == id) }
        _ = try? await channel.finish()
    }

    @Test("the keep-alive: a ping each turn; a peer that did not answer the last one is hung up on")
    func pingDeadline() async throws {
        let node = try await Node()
        let channel = try await node.open(cursor: nil)
        _ = try await Self.next(channel)
        node.pings.tick()
        #expect(try await Self.next(channel).opcode == .ping)
        try await channel.writeInbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        node.pings.tick()
        #expect(try await Self.next(channel).opcode == .ping)
        node.pings.tick()  // no pong since the last ping
        try await eventually("hung up") { channel.isActive ? nil : true }
    }

    @Test("the peer's close is answered with its own payload, then the connection closes")
    func closeHandshake() async throws {
        let node = try await Node()
        let channel = try await node.open(cursor: nil)
        _ = try await Self.next(channel)
        var payload = ByteBuffer()
        payload.write(webSocketErrorCode: .normalClosure)
        payload.writeString("bye")
        try await channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: payload))
        let answer = try await Self.next(channel)
        #expect(answer.opcode == .connectionClose && answer.unmaskedData == payload)
        try await eventually("closed") { channel.isActive ? nil : true }
        #expect(node.dependencies.hub.subscriptionCount == 0)
    }
}
