import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback TCP proxy in front of a test server, with two faults to switch on: while
/// `refusing`, it answers WebSocket upgrades itself with 502 — what a proxy that cannot pass
/// upgrades does; while `blackholing`, it forwards nothing either way and keeps every
/// connection open — a NAT or proxy that lost a path without saying so. Otherwise it relays.
public final class FaultProxy: Sendable {
    private final class Switch: Sendable {
        let on: NIOLockedValueBox<Bool>
        init(_ on: Bool) { self.on = NIOLockedValueBox(on) }
    }

    public let port: Int
    private let refusingUpgrades: Switch
    private let blackholing = Switch(false)
    private let listener: any Channel

    /// Whether upgrades are refused now; flip it to let them through again.
    public func refuse(_ refusing: Bool) { refusingUpgrades.on.withLockedValue { $0 = refusing } }

    /// Whether bytes are dropped now, both ways, with the connections left open.
    public func blackhole(_ on: Bool) { blackholing.on.withLockedValue { $0 = on } }

    public init(target: Int, refusing: Bool = false) async throws {
        let state = Switch(refusing)
        refusingUpgrades = state
        let refusal: @Sendable () -> Bool = { state.on.withLockedValue { $0 } }
        let silence = blackholing
        let silent: @Sendable () -> Bool = { silence.on.withLockedValue { $0 } }
        listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Front(target: target, refusing: refusal, silent: silent))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = listener.localAddress?.port ?? 0
    }

    public func close() async throws { try await listener.close() }

    /// The client side: decides on the first bytes, then relays both ways.
    private final class Front: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let target: Int
        let refusing: @Sendable () -> Bool
        let silent: @Sendable () -> Bool
        var backend: (any Channel)?
        var pending: [ByteBuffer] = []
        var decided = false

        init(target: Int, refusing: @escaping @Sendable () -> Bool, silent: @escaping @Sendable () -> Bool) {
            self.target = target
            self.refusing = refusing
            self.silent = silent
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            if silent() { return }
            if let backend {
                backend.writeAndFlush(buffer, promise: nil)
                return
            }
            pending.append(buffer)
            guard !decided else { return }
            decided = true
            let head = String(buffer: buffer).lowercased()
            if refusing(), head.contains("upgrade: websocket") {
                let answer = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
                context.close(promise: nil)
                return
            }
            let front = context.channel
            let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
            let silent = self.silent
            ClientBootstrap(group: context.eventLoop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Back(front: front, silent: silent))
                    }
                }
                .connect(host: "127.0.0.1", port: target)
                .whenComplete { result in
                    switch result {
                    case .success(let channel):
                        loop.value.backend = channel
                        for buffer in loop.value.pending { channel.write(buffer, promise: nil) }
                        channel.flush()
                        loop.value.pending = []
                    case .failure:
                        front.close(promise: nil)
                    }
                }
        }

        func channelInactive(context: ChannelHandlerContext) {
            backend?.close(promise: nil)
        }
    }

    /// The server side: relays to the client, and ends it when the server does.
    private final class Back: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let front: any Channel
        let silent: @Sendable () -> Bool

        init(front: any Channel, silent: @escaping @Sendable () -> Bool) {
            self.front = front
            self.silent = silent
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if silent() { return }
            front.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            front.close(promise: nil)
        }
    }
}
