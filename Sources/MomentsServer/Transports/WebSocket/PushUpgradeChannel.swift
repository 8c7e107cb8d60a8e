import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Each accepted connection: HTTP/1 through Hummingbird, with `PushUpgradeGate` in the pipeline
/// to turn `/api/ws` upgrades into `WebSocketPushHandler`s on the event loop.
///
/// Hummingbird 2.28's `HTTP1Channel.setup` wraps the channel in the request loop's
/// `NIOAsyncChannel` at once, and that loop's task then lives as long as the connection; a push
/// socket must not carry one (~25 KB each). So its steps are taken here, the request loop's
/// only when the gate sees the first plain request. Re-check them against `HTTP1Channel.setup`
/// when Hummingbird moves.
struct PushUpgradeChannel: HTTPChannelHandler {
    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<PushUpgradeGate.Negotiated>
        let channel: any Channel
    }

    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    let responder: HTTPChannelHandler.Responder
    /// The same router `responder` runs, for the upgrade requests the gate takes aside.
    let router: any HTTPResponder<MomentsRequestContext>
    let http1: HTTP1Channel.Configuration
    let push: WebSocketPushHandler.Dependencies

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // NIO keeps each connection's last receive buffer for reuse (2 KiB by default): start
            // small, since most connections end up idle push sockets; it grows for big requests.
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveBuffers)
            var limits = NIOHTTPDecoderLimitConfiguration()
            limits.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            limits.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            limits.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false,  // the request loop takes requests one at a time
                withErrorHandling: false,  // Hummingbird answers bad requests
                withOutboundHeaderValidation: false,  // HTTPTypes has validated them
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: limits)
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            let negotiated = channel.eventLoop.makePromise(of: PushUpgradeGate.Negotiated.self)
            let http1 = self.http1
            try pipeline.addHandler(
                PushUpgradeGate(
                    router: router, push: push, logger: logger, negotiated: negotiated,
                    startHTTP: { channel in
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandlers(http1.additionalChannelHandlers())
                        try pipeline.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger)
                        )
                        return try NIOAsyncChannel(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(isOutboundHalfClosureEnabled: true))
                    }))
            return Value(negotiated: negotiated.futureResult, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiated.get() {
            case .http(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .pushing:
                return  // the socket lives on in its pipeline
            }
        } catch {
            logger.debug("connection ended before its first plain request", metadata: ["error": "\(error)"])
        }
    }
}
