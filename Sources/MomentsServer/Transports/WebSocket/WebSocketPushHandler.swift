import MomentsCore
import MomentsPush
import MomentsStore
import NIOCore
import NIOWebSocket

/// One upgraded `/api/ws` connection, served from its event loop: the hub hands events straight
/// to it, and no task waits on an idle socket (a suspended task per connection cost ~25 KB of
/// async frames; see docs/benchmarks.md). Tasks run only while reading the store: the hello and
/// the backlog after the cursor, at the start and after a resync.
///
/// What goes out in which order is `StreamProgress`'s; what the peer's frames and the ping timer
/// mean is `WebSocketControl`'s. This type only carries their answers out.
final class WebSocketPushHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    struct Dependencies: Sendable {
        let store: any MomentsStore
        let hub: PushHub
        let metrics: ServerMetrics
        let limits: Limits
        let stream: StreamLimits
        let pings: PingWheel
        let accessLog: AccessLog?
    }

    enum CloseCode {
        /// The connection fell more than the queue capacity behind (private-use range).
        static let lagging: UInt16 = 4013
        /// The user's tokens were revoked: sign in again.
        static let revoked: UInt16 = 4001
        /// Service restart (RFC 6455's registry): the node is draining; the reason says
        /// `retry_ms=N`, when to come back.
        static let draining: UInt16 = 1012
    }

    private let grant: PushGrant
    private let dependencies: Dependencies
    private var context: ChannelHandlerContext?
    private var progress: StreamProgress
    private var control: WebSocketControl
    private var subscription: Subscription?
    private var catchUp: Task<Void, Never>?
    private var cutoff: Scheduled<Void>?
    private var opened = false
    private var openedAt = ContinuousClock.now
    private var eventsSent = 0
    /// Shutting down: the connection closes once the close frame is written.
    private var hangUpAfterClose = false

    init(grant: PushGrant, dependencies: Dependencies) {
        self.grant = grant
        self.dependencies = dependencies
        progress = StreamProgress(cursor: grant.cursor ?? 0, capacity: dependencies.stream.capacity)
        control = WebSocketControl(
            limits: .init(
                maxMessage: dependencies.limits.maxWebSocketMessage,
                messagesPerSecond: dependencies.limits.webSocketMessagesPerSecond))
    }

    // MARK: lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        opened = true
        openedAt = .now
        dependencies.metrics.opened(.websocket)
        dependencies.accessLog?.streamOpened(transport: "websocket", user: grant.user.id, client: grant.client)
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
        catchUp?.cancel()
        cutoff?.cancel()
        progress.discardPending()
        if let subscription { dependencies.hub.unsubscribe(subscription) }
        subscription = nil
        dependencies.pings.remove(ObjectIdentifier(self))
        dependencies.metrics.closed(.websocket)
        dependencies.accessLog?.streamClosed(
            transport: "websocket", duration: .now - openedAt, user: grant.user.id, client: grant.client,
            events: eventsSent)
    }

    /// Connections allow half-closure (for HTTP): a peer that hung up only closes our input.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .inputClosed = event as? ChannelEvent {
            context.close(promise: nil)
        } else if !(event is ChannelShouldQuiesceEvent) {
            // A quiesce is for HTTP connections between requests; this one closes with 1001.
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    // MARK: the stream

    /// Subscribes first, then reads the store from the cursor: whatever commits in between
    /// waits in `progress`, and goes out after the backlog unless the backlog had it.
    private func startCatchingUp(hello: Bool) {
        guard let context else { return }
        let generation = progress.beginCatchUp()
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        subscription = dependencies.hub.subscribe(
            user: grant.user.id,
            deliver: { event in loop.execute { bound.value.published(event) } },
            ended: { reason in loop.execute { bound.value.subscriptionEnded(reason) } })
        let read = CatchUp(
            backlog: StreamBacklog(store: dependencies.store), grant: grant, hello: hello, from: progress.cursor,
            generation: generation, loop: loop, handler: bound)
        catchUp = Task { await read.run() }
    }

    /// The store reads of a catch-up, off the event loop; each result is handed back to it.
    private struct CatchUp: Sendable {
        let backlog: StreamBacklog
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
            let generation = self.generation
            var cursor = from
            var backlogExists = true
            if hello {
                let position = try await backlog.store.streamPosition(user: grant.user.id)
                let history = try await backlog.store.history(user: grant.user.id)
                let start = await StreamStart.decide(
                    requested: grant.cursor, epoch: grant.epoch, position: position, history: history)
                let frame = EventJSON.hello(
                    user: grant.user, unread: position.unread, start: start, epoch: history.epoch)
                let at = start.cursor
                try await loop.submit { handler.value.sendHello(frame, cursor: at, generation: generation) }.get()
                cursor = at
                // Starting at (or past) the newest event: nothing was there to replay when the
                // position was read, and what came after reaches the subscription live.
                backlogExists = at < position.cursor
            }
            let loop = self.loop
            if backlogExists {
                try await backlog.read(user: grant.user.id, after: cursor) { page in
                    // Waits until the page is written: a large backlog cannot pile up in memory.
                    try await loop.flatSubmit { handler.value.replay(page, generation: generation, on: loop) }.get()
                }
            }
            try await loop.submit { handler.value.goLive(generation: generation) }.get()
        }
    }

    private func sendHello(_ frame: ByteBuffer, cursor: Int64, generation: Int) {
        guard opened, !control.closing, let context, progress.phase == .catchingUp(generation: generation) else {
            return
        }
        progress.start(at: cursor)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: frame)), promise: nil)
    }

    private func replay(_ page: [PushedEvent], generation: Int, on loop: any EventLoop) -> EventLoopFuture<Void> {
        guard opened, !control.closing, let context else { return loop.makeSucceededVoidFuture() }
        var written: EventLoopFuture<Void>?
        for event in progress.replayed(page, generation: generation) {
            written = context.write(wrapOutboundOut(frame(event)))
            dependencies.metrics.pushed(event.event, on: .websocket, live: false)
            eventsSent += 1
        }
        context.flush()
        return written ?? loop.makeSucceededVoidFuture()
    }

    private func goLive(generation: Int) {
        guard progress.caughtUp(generation: generation) else { return }
        // A finished task keeps its memory (~5 KB) while anyone holds its handle.
        catchUp = nil
        drain()
    }

    private func published(_ event: PushedEvent) {
        guard opened, !control.closing, let context else { return }
        switch progress.published(event, canSend: context.channel.isWritable) {
        case .send:
            send(event, on: context)
            context.flush()
        case .queued, .skipped:
            subscription?.ownerQueue(is: progress.queued)
        case .overflow:
            dependencies.metrics.rejected("lagging")
            close(.unknown(CloseCode.lagging), reason: "too far behind: reconnect with your cursor")
        }
    }

    /// Writes what waited, while the socket takes it.
    private func drain() {
        guard opened, !control.closing, let context else { return }
        while context.channel.isWritable, let event = progress.nextPending() {
            send(event, on: context)
        }
        subscription?.ownerQueue(is: progress.queued)
        context.flush()
    }

    private func send(_ event: PushedEvent, on context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(frame(event)), promise: nil)
        dependencies.metrics.pushed(event.event, on: .websocket, live: true)
        eventsSent += 1
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
            // Nothing waits for the peer's answer: an abandoned peer held shutdown for the grace.
            hangUpAfterClose = true
            if control.closing {
                context?.close(promise: nil)  // a close already went out (4013, a limit)
            } else {
                close(.goingAway, reason: "server shutting down")
            }
        case .draining(let retryMs):
            // As with a shutdown, nothing waits for the peer's answer.
            hangUpAfterClose = true
            if control.closing {
                context?.close(promise: nil)
            } else {
                close(.unknown(CloseCode.draining), reason: "retry_ms=\(retryMs)")
            }
        case .revoked:
            close(.unknown(CloseCode.revoked), reason: "token revoked: sign in again")
        case .resync:
            // This node may have missed events: read the store again from where the socket is.
            guard opened, !control.closing else { return }
            catchUp?.cancel()
            startCatchingUp(hello: false)
        case .overflow, .cancelled:
            break
        }
    }

    // MARK: what the peer sends

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        perform(
            control.received(frame.opcode, length: frame.length, fin: frame.fin, payload: frame.unmaskedData),
            on: context)
    }

    private func pingTick() {
        guard let context else { return }
        perform(control.pingTick(), on: context)
    }

    private func close(_ code: WebSocketErrorCode, reason: String) {
        guard let context else { return }
        perform(control.close(code, reason: reason), on: context)
    }

    private func perform(_ action: WebSocketControl.Action, on context: ChannelHandlerContext) {
        switch action {
        case .none:
            return
        case .sendPong(let payload):
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: payload)), promise: nil)
        case .sendPing:
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())), promise: nil)
        case .answerClose(let payload):
            progress.discardPending()
            let answer = WebSocketFrame(fin: true, opcode: .connectionClose, data: payload)
            context.writeAndFlush(wrapOutboundOut(answer)).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        case .sendClose(let code, let reason):
            if code == .policyViolation { dependencies.metrics.rejected("websocket_flood") }
            progress.discardPending()
            subscription?.ownerQueue(is: 0)
            var data = ByteBuffer()
            data.write(webSocketErrorCode: code)
            data.writeString(reason)
            let written = context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
            if hangUpAfterClose { written.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
            // A peer that reads nothing blocks the close frame itself: cut it off after the grace.
            let channel = context.channel
            cutoff = context.eventLoop.scheduleTask(in: StreamLimits.overflowGrace) { channel.close(promise: nil) }
        case .hangUp:
            context.close(promise: nil)
        }
    }
}
