import DequeModule
import Foundation
import MomentsCore
import NIOCore
import NIOWebSocket

/// Who an admitted upgrade is for, and where their stream starts.
struct PushGrant: Sendable {
    let user: UserSummary
    let cursor: Int64?
}

/// One upgraded `/api/ws` connection, served from its event loop: the hub hands events straight
/// to it, and no task waits on an idle socket (a suspended task per connection cost ~25 KB of
/// async frames; see docs/benchmarks.md). Tasks run only while reading the store: the hello and
/// the backlog after the cursor, at the start and after a resync.
///
/// Guarantees as for every stream: hello, backlog, then live events, each once, in id order.
/// A reader more than `capacity` events behind gets 4013 and, if it reads nothing at all, is cut
/// off `lagGrace` later; a peer that misses a ping answer until the next ping is dropped.
final class WebSocketPushHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    struct Dependencies: Sendable {
        let store: any MomentsStore
        let hub: PushHub
        let metrics: ServerMetrics
        let limits: Limits
        let pings: PingWheel
        /// Events a connection may fall behind.
        let capacity: Int
    }

    enum CloseCode {
        /// The connection fell more than the queue capacity behind (private-use range).
        static let lagging: UInt16 = 4013
    }

    /// Time for closing words (4013, 1001) to be taken before the socket is cut, as for streams.
    static let lagGrace = EventStream.overflowGrace

    private enum Phase {
        /// Reading the store; live events wait in `pending`.
        case catchingUp
        case live
        /// A close frame went out: nothing more is sent.
        case closing
    }

    private let grant: PushGrant
    private let dependencies: Dependencies
    private var context: ChannelHandlerContext?
    private var phase = Phase.catchingUp
    private var last: Int64 = 0
    private var pending = Deque<PushedEvent>()
    private var subscription: Subscription?
    private var catchUp: Task<Void, Never>?
    /// Which catch-up is current: answers of one cancelled by a resync are ignored.
    private var generation = 0
    private var cutoff: Scheduled<Void>?
    private var awaitingPong = false
    private var messageBytes = 0
    private var flood: RateLimiter
    private var opened = false

    init(grant: PushGrant, dependencies: Dependencies) {
        self.grant = grant
        self.dependencies = dependencies
        self.flood = RateLimiter(perSecond: dependencies.limits.webSocketMessagesPerSecond)
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        opened = true
        dependencies.metrics.opened(.websocket)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        dependencies.pings.add(ObjectIdentifier(self)) { loop.execute { bound.value.pingTick() } }
        startCatchingUp(hello: true)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        self.context = nil
    }

    private func finish() {
        guard opened else { return }
        opened = false
        phase = .closing
        catchUp?.cancel()
        cutoff?.cancel()
        pending.removeAll()
        if let subscription { dependencies.hub.unsubscribe(subscription) }
        subscription = nil
        dependencies.pings.remove(ObjectIdentifier(self))
        dependencies.metrics.closed(.websocket)
    }

    /// Connections allow half-closure (for HTTP): a peer that hung up only closes our input.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: the stream

    /// Subscribes first, then reads the store from `last` (or the cursor): whatever commits in
    /// between is queued in `pending`, and sent after the backlog unless the backlog had it.
    private func startCatchingUp(hello: Bool) {
        guard let context else { return }
        phase = .catchingUp
        generation += 1
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        subscription = dependencies.hub.subscribe(
            user: grant.user.id,
            push: .init(
                deliver: { event in loop.execute { bound.value.published(event) } },
                ended: { reason in loop.execute { bound.value.subscriptionEnded(reason) } }))
        let read = CatchUp(
            store: dependencies.store, grant: grant, hello: hello, from: last, generation: generation, loop: loop,
            handler: bound)
        catchUp = Task { await read.run() }
    }

    /// The store reads of a catch-up, off the event loop; each result is handed back to it.
    private struct CatchUp: Sendable {
        let store: any MomentsStore
        let grant: PushGrant
        let hello: Bool
        let from: Int64
        let generation: Int
        let loop: any EventLoop
        let handler: NIOLoopBound<WebSocketPushHandler>

        func run() async {
            do {
                try await read()
            } catch {
                guard !(error is CancellationError) else { return }
                let handler = self.handler
                loop.execute { handler.value.context?.close(promise: nil) }
            }
        }

        private func read() async throws {
            let handler = self.handler
            let loop = self.loop
            let generation = self.generation
            var last = from
            if hello {
                let position = try await store.streamPosition(user: grant.user.id)
                let cursor = grant.cursor ?? position.cursor
                last = cursor
                let frame = try ByteBuffer(
                    bytes: WireCoding.makeEncoder().encode(
                        Hello(user: grant.user, unread: position.unread, cursor: cursor)))
                try await loop.submit { handler.value.sendHello(frame, cursor: cursor, generation: generation) }.get()
            }
            while true {
                let page = try await store.events(
                    user: grant.user.id, after: last, limit: EventStream.replayPage)
                let events = try page.map(PushedEvent.init)
                // Waits until the page is written: a large backlog cannot pile up in memory.
                try await loop.flatSubmit { handler.value.replay(events, on: loop, generation: generation) }.get()
                last = page.last?.id ?? last
                if page.count < EventStream.replayPage { break }
            }
            try await loop.submit { handler.value.goLive(generation: generation) }.get()
        }
    }

    private func sendHello(_ frame: ByteBuffer, cursor: Int64, generation: Int) {
        guard phase == .catchingUp, generation == self.generation, let context else { return }
        last = cursor
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: frame)), promise: nil)
    }

    private func replay(_ events: [PushedEvent], on loop: any EventLoop, generation: Int) -> EventLoopFuture<Void> {
        guard phase == .catchingUp, generation == self.generation, let context else {
            return loop.makeSucceededVoidFuture()
        }
        var written: EventLoopFuture<Void>?
        for event in events where event.event.id > last {
            written = context.write(wrapOutboundOut(frame(event)))
            last = event.event.id
            dependencies.metrics.pushed(event.event, on: .websocket, live: false)
        }
        context.flush()
        return written ?? loop.makeSucceededVoidFuture()
    }

    private func goLive(generation: Int) {
        guard phase == .catchingUp, generation == self.generation else { return }
        phase = .live
        // A finished task keeps its memory (~5 KB) while anyone holds its handle.
        catchUp = nil
        drain()
    }

    private func published(_ event: PushedEvent) {
        switch phase {
        case .closing:
            return
        case .catchingUp:
            enqueue(event)
        case .live:
            if pending.isEmpty, let context, context.channel.isWritable {
                send(event, on: context)
                context.flush()
            } else {
                enqueue(event)
            }
        }
    }

    private func enqueue(_ event: PushedEvent) {
        guard pending.count < dependencies.capacity else { return lagging() }
        pending.append(event)
        subscription?.handlerQueue(is: pending.count)
    }

    /// Writes what waited, while the socket takes it.
    private func drain() {
        guard phase == .live, let context else { return }
        while let event = pending.first, context.channel.isWritable {
            pending.removeFirst()
            send(event, on: context)
        }
        subscription?.handlerQueue(is: pending.count)
        context.flush()
    }

    private func send(_ event: PushedEvent, on context: ChannelHandlerContext) {
        // The backlog may already have covered what the subscription queued meanwhile.
        guard event.event.id > last else { return }
        context.write(wrapOutboundOut(frame(event)), promise: nil)
        last = event.event.id
        dependencies.metrics.pushed(event.event, on: .websocket, live: true)
    }

    private func frame(_ event: PushedEvent) -> WebSocketFrame {
        // The node's one encoding of the event, shared by every socket: no copy here.
        WebSocketFrame(fin: true, opcode: .text, data: event.json)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    private func subscriptionEnded(_ reason: Subscription.EndReason) {
        switch reason {
        case .shutdown:
            close(code: .goingAway, reason: "server shutting down")
        case .resync:
            // This node may have missed events: read the store again from where the socket is.
            guard phase != .closing else { return }
            catchUp?.cancel()
            startCatchingUp(hello: false)
        case .overflow, .cancelled:
            break
        }
    }

    private func lagging() {
        dependencies.metrics.rejected("lagging")
        close(code: .unknown(CloseCode.lagging), reason: "too far behind: reconnect with your cursor")
    }

    // MARK: what the peer sends

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .connectionClose:
            if phase == .closing {
                context.close(promise: nil)
            } else {
                // Answer with the peer's own code, then hang up.
                phase = .closing
                let answer = WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)
                context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in context.close(promise: nil) }
            }
        case .ping:
            guard phase != .closing else { return }
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            awaitingPong = false
        case .text, .binary, .continuation:
            // What peers send is ignored, but a message over the size limit closes with 1009
            // and a peer that floods is cut off with 1008.
            messageBytes += frame.length
            if messageBytes > dependencies.limits.maxWebSocketMessage {
                close(code: .messageTooLarge, reason: "message too big")
            } else if frame.fin {
                messageBytes = 0
                if flood.take("") != nil {
                    dependencies.metrics.rejected("websocket_flood")
                    close(code: .policyViolation, reason: "too many messages")
                }
            }
        default:
            break
        }
    }

    private func pingTick() {
        guard phase != .closing, let context else { return }
        if awaitingPong {
            // No answer since the last ping: the peer is gone.
            context.close(promise: nil)
            return
        }
        awaitingPong = true
        context.writeAndFlush(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())), promise: nil)
    }

    /// Sends a close frame; the peer's answering close ends the connection, or `lagGrace` does
    /// (a peer that reads nothing blocks the frame itself).
    private func close(code: WebSocketErrorCode, reason: String) {
        guard phase != .closing, let context else { return }
        phase = .closing
        pending.removeAll()
        subscription?.handlerQueue(is: 0)
        var data = ByteBuffer()
        data.write(webSocketErrorCode: code)
        data.writeString(reason)
        context.writeAndFlush(
            wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        let channel = context.channel
        cutoff = context.eventLoop.scheduleTask(in: Self.lagGrace) { channel.close(promise: nil) }
    }
}
