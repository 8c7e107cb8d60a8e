import NIOCore
import NIOHTTP1
import NIOPosix

/// One user's long-poll loop on a kept-alive connection: wait, count what the answer carries,
/// ask again from the new position (Moments: `cursor`; Nchan: `Last-Modified`/`Etag`).
enum LongPollSubscriber {
    /// Connects and starts the loop; returns once the first waiting request is on the wire.
    static func start(
        user: BenchUser, target: Target, tally: Tally, on group: any EventLoopGroup, to endpoint: Endpoint,
        from source: SocketAddress?
    ) async throws {
        let loop = group.next()
        let waiting = loop.makePromise(of: Void.self)
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        PollLoop(user: user, target: target, tally: tally, host: endpoint.host, waiting: waiting))
                }
            }
        if let source { bootstrap = bootstrap.bind(to: source) }
        let channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        channel.closeFuture.whenComplete { _ in waiting.fail(BenchError("closed before the first wait")) }
        try await waiting.futureResult.get()
    }
}

private final class PollLoop: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let user: BenchUser
    let target: Target
    let tally: Tally
    let host: String
    let waiting: EventLoopPromise<Void>
    private var cursor: Int64?
    private var validators: [(String, String)] = []
    private var status: HTTPResponseStatus = .ok
    private var body = ByteBuffer()

    init(user: BenchUser, target: Target, tally: Tally, host: String, waiting: EventLoopPromise<Void>) {
        self.user = user
        self.target = target
        self.tally = tally
        self.host = host
        self.waiting = waiting
    }

    func channelActive(context: ChannelHandlerContext) {
        // Moments: learn the cursor with an immediate poll first, so no event slips between polls.
        send(context: context, wait: target == .nchan)
        context.fireChannelActive()
    }

    private func send(context: ChannelHandlerContext, wait: Bool) {
        var head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: target.pollPath(for: user, cursor: cursor, wait: wait))
        head.headers.add(name: "Host", value: host)
        if let authorization = target.authorization(for: user) {
            head.headers.add(name: "Authorization", value: authorization)
        }
        for (name, value) in validators { head.headers.add(name: name, value: value) }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if wait { waiting.succeed() }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status
            body.clear()
            if let modified = head.headers.first(name: "Last-Modified"), let etag = head.headers.first(name: "Etag") {
                validators = [("If-Modified-Since", modified), ("If-None-Match", etag)]
            }
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            answered(context: context)
        }
    }

    private func answered(context: ChannelHandlerContext) {
        let now = Monotonic.now()
        if status == .ok {
            body.withUnsafeReadableBytes { bytes in
                if target.resumes, let next = FrameScan.firstUnsigned(after: .cursorKey, in: bytes) {
                    cursor = Int64(next)
                }
                FrameScan.unsignedValues(after: .timeKey, in: bytes) { stamp in
                    tally.received(stamp: stamp, at: now)
                }
            }
        } else if status != .notModified && status != .requestTimeout {
            tally.failed("poll answered HTTP \(status.code)")
        }
        send(context: context, wait: true)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        waiting.fail(error)
        context.close(promise: nil)
    }
}
