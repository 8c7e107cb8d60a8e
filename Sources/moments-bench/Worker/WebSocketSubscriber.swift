import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// One user's WebSocket, written on SwiftNIO directly so the generator costs little per socket.
/// It remembers the last event id, so a reconnect resumes where it stopped (Moments).
///
/// In a cluster, a socket its node closes (the node died) is opened again on another node,
/// after a random pause so a dead node's subscribers spread out, from the last event id.
final class WebSocketSubscriber: Sendable {
    let user: BenchUser
    private let target: Target
    private let tally: Tally
    private let nodes: Nodes
    private let group: any EventLoopGroup
    private let source: SocketAddress?
    private struct State {
        /// The last event id seen (or the hello's cursor); -1 before the first hello.
        var lastId: Int64 = -1
        var channel: (any Channel)?
        /// Moments: completed by the hello, once the server has placed the stream.
        var hello: EventLoopPromise<Void>?
        /// The node connected to (or to connect to next).
        var node: Int
        /// When a draining node asked to be come back to (its close's `retry_ms`), if it did.
        var retryHint: Int?
    }

    private let state: NIOLockedValueBox<State>
    /// The node it was given first.
    private let home: Int

    init(
        user: BenchUser, target: Target, tally: Tally, nodes: Nodes, home: Int, group: any EventLoopGroup,
        source: SocketAddress?
    ) {
        self.user = user
        self.target = target
        self.tally = tally
        self.nodes = nodes
        self.group = group
        self.source = source
        self.home = home
        state = NIOLockedValueBox(State(node: home))
    }

    /// `giveUpAfter`: an attempt whose upgrade or hello has not come by then is closed (and
    /// fails), so a retry can go elsewhere instead of waiting on one connection for good.
    func connect(giveUpAfter limit: TimeAmount? = nil) async throws {
        let (cursor, node) = state.withLockedValue { ($0.lastId, $0.node) }
        let endpoint = nodes.endpoints[node]
        let path = target.webSocketPath(for: user, cursor: cursor)
        let loop = group.next()
        let upgraded = loop.makePromise(of: Void.self)
        let hello = loop.makePromise(of: Void.self)
        state.withLockedValue { $0.hello = hello }
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let requester = UpgradeRequester(host: endpoint.host, path: path, upgraded: upgraded)
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 20, automaticErrorHandling: false) {
                        channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(FrameHandler(subscriber: self))
                        }
                    }
                    // The server's first frames may come in the same read as its 101: forward them.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (
                            upgraders: [upgrader],
                            completionHandler: { _ in
                                channel.pipeline.syncOperations.removeHandler(name: UpgradeRequester.name, promise: nil)
                                upgraded.succeed()
                            }
                        ))
                    try channel.pipeline.syncOperations.addHandler(requester, name: UpgradeRequester.name)
                }
            }
        if let source { bootstrap = bootstrap.bind(to: source) }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            upgraded.fail(error)
            hello.fail(error)
            throw error
        }
        channel.closeFuture.whenComplete { [self] _ in
            upgraded.fail(BenchError("closed before the upgrade"))
            hello.fail(BenchError("closed before the hello"))
            lost(channel, node: node)
        }
        let watchdog = limit.map { limit in channel.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) } }
        defer { watchdog?.cancel() }
        do {
            try await upgraded.futureResult.get()
            // Moments places the stream (after the cursor, or after the newest event) when it
            // sends the hello: only then is a publish sure to reach this socket.
            if target.resumes { try await hello.futureResult.get() }
        } catch {
            channel.close(promise: nil)
            throw error
        }
        state.withLockedValue { $0.channel = channel }
        // Closed between its hello and here, `lost` found no channel to fail over: this
        // attempt failed. (If `lost` did see it, it is failing over already.)
        if !channel.isActive {
            let ours = state.withLockedValue { state in
                guard let held = state.channel, held === channel else { return false }
                state.channel = nil
                return true
            }
            if ours { throw BenchError("closed right after the hello") }
        }
    }

    /// A socket closed by the other side (not by `drop`): in a cluster, fail over.
    private func lost(_ channel: any Channel, node: Int) {
        let current = state.withLockedValue { state in
            guard let held = state.channel, held === channel else { return false }
            state.channel = nil
            return true
        }
        guard current, nodes.isCluster, target.resumes else { return }
        Task { await failOver(from: node) }
    }

    /// A draining node's close (1012) said when to come back, as MomentsClient honours it.
    fileprivate func hinted(retryMs: Int) {
        state.withLockedValue { $0.retryHint = retryMs }
    }

    /// Connects to a random other node until one takes it, from the last event id: after the
    /// node's hint if it gave one, else after a random pause so a dead node's subscribers
    /// spread out a little.
    private func failOver(from dead: Int) async {
        let others = (0..<nodes.count).filter { $0 != dead }
        let hint = state.withLockedValue { state in
            defer { state.retryHint = nil }
            return state.retryHint
        }
        try? await Task.sleep(for: .milliseconds(hint ?? Int.random(in: 0..<500)))
        do {
            try await reconnect(attempts: 100, giveUpAfter: .seconds(20)) {
                state.withLockedValue { $0.node = others.randomElement()! }
            }
            tally.failedOver(user.id, home: home, at: Monotonic.now())
        } catch {
            tally.failed("failover of \(user.id) gave up: \(error)")
        }
    }

    /// Connects again from the last event id as a client would: a failed attempt (a node
    /// too busy to answer in time) is tried again after a random pause, up to `attempts`
    /// times; `before` runs before each (to pick a node).
    func reconnect(attempts: Int = 10, giveUpAfter limit: TimeAmount? = nil, before: () -> Void = {}) async throws {
        for attempt in 1...attempts {
            before()
            do {
                return try await connect(giveUpAfter: limit)
            } catch {
                if attempt == attempts { throw error }
                try? await Task.sleep(for: .milliseconds(Int.random(in: 100..<1000)))
            }
        }
    }

    /// Closes the socket at once (no close handshake: a crowd of clients losing their network).
    func drop() async {
        let channel = state.withLockedValue { state in
            defer { state.channel = nil }
            return state.channel
        }
        try? await channel?.close()
    }

    /// A complete text frame. Runs on the socket's event loop.
    fileprivate func received(_ frame: ByteBuffer) {
        let now = Monotonic.now()
        frame.withUnsafeReadableBytes { bytes in
            if target.resumes {
                if FrameScan.contains(.helloType, in: bytes) {
                    let cursor = FrameScan.firstUnsigned(after: .cursorKey, in: bytes).map(Int64.init) ?? -1
                    let hello = state.withLockedValue { state in
                        state.lastId = max(state.lastId, cursor)
                        defer { state.hello = nil }
                        return state.hello
                    }
                    hello?.succeed()
                    return
                }
                guard let id = FrameScan.firstUnsigned(after: .idKey, in: bytes).map(Int64.init) else { return }
                let fresh = state.withLockedValue { state in
                    guard id > state.lastId else { return false }
                    state.lastId = id
                    return true
                }
                guard fresh else { return tally.duplicate() }
            }
            if FrameScan.contains(.likeType, in: bytes) || FrameScan.contains(.commentType, in: bytes),
                let actor = FrameScan.string(after: .actorIdKey, in: bytes),
                let post = FrameScan.firstUnsigned(after: .postIdKey, in: bytes)
            {
                tally.liked(LikeArrival(actor: actor, post: Int64(post), at: now))
            } else {
                tally.received(stamp: FrameScan.firstUnsigned(after: .timeKey, in: bytes), at: now)
            }
        }
    }
}

/// Sends the upgrade request once connected; fails the upgrade on any other answer.
private final class UpgradeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    static let name = "upgrade-requester"

    let host: String
    let path: String
    let upgraded: EventLoopPromise<Void>

    init(host: String, path: String, upgraded: EventLoopPromise<Void>) {
        self.host = host
        self.path = path
        self.upgraded = upgraded
    }

    func channelActive(context: ChannelHandlerContext) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: host)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            upgraded.fail(BenchError("upgrade refused: HTTP \(head.status.code)"))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        upgraded.fail(error)
        context.close(promise: nil)
    }
}

/// Collects text frames (joining continuations), answers pings, closes on a close frame.
private final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let subscriber: WebSocketSubscriber
    private var partial: ByteBuffer?

    init(subscriber: WebSocketSubscriber) {
        self.subscriber = subscriber
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            if frame.fin {
                subscriber.received(frame.unmaskedData)
            } else {
                partial = frame.unmaskedData
            }
        case .continuation:
            var data = frame.unmaskedData
            partial?.writeBuffer(&data)
            if frame.fin, let whole = partial {
                partial = nil
                subscriber.received(whole)
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            var data = frame.unmaskedData
            if data.readInteger(as: UInt16.self) == 1012, let reason = data.readString(length: data.readableBytes),
                reason.hasPrefix("retry_ms="), let retryMs = Int(reason.dropFirst("retry_ms=".count))
            {
                subscriber.hinted(retryMs: retryMs)
            }
            context.close(promise: nil)
        default:
            break
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
