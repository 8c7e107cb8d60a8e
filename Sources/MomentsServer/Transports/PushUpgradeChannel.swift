import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import Synchronization

/// Each accepted connection: HTTP/1 for everything, and `/api/ws` upgrades handed to a
/// `WebSocketPushHandler` on the event loop. Hummingbird's own WebSocket channel keeps a task
/// (and its async frames) per socket for the socket's whole life; after this upgrade the
/// connection's task ends and the socket lives in the pipeline alone.
///
/// Whether to upgrade is decided by `admit`, which runs the WebSocket router (origin, token,
/// cursor, admission; refusals answered there with their real status).
struct PushUpgradeChannel: HTTPChannelHandler {
    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case pushing
    }

    struct Value: ServerChildChannelValue {
        let negotiated: EventLoopFuture<Negotiated>
        let channel: any Channel
    }

    static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)

    let responder: HTTPChannelHandler.Responder
    let http1: HTTP1Channel.Configuration
    let admit: @Sendable (HTTPRequest, any Channel, Logger) async -> PushGrant?
    let push: WebSocketPushHandler.Dependencies

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            // NIO keeps each connection's last receive buffer for reuse (2 KiB by default): start
            // small, since most connections end up idle push sockets; it grows for big requests.
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.receiveBuffers)
            let granted = Mutex<PushGrant?>(nil)
            let admit = self.admit
            let push = self.push
            let http1 = self.http1
            let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
                maxFrameSize: push.limits.maxWebSocketMessage,
                enableAutomaticErrorHandling: true,
                shouldUpgrade: { channel, head in
                    let answer = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    answer.completeWithTask {
                        guard let request = try? HTTPRequest(head, secure: false, splitCookie: false),
                            let grant = await admit(request, channel, logger)
                        else { return nil }
                        granted.withLock { $0 = grant }
                        return HTTPHeaders()
                    }
                    return answer.futureResult
                },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        guard let grant = granted.withLock({ $0.take() }) else {
                            throw ChannelError.inappropriateOperationForState
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            WebSocketPushHandler(grant: grant, dependencies: push))
                        return .pushing
                    }
                })
            let upgrades = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try channel.pipeline.syncOperations.addHandlers(http1.additionalChannelHandlers())
                        try channel.pipeline.syncOperations.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: http1.idleTimeout.map { .init($0) }, logger: logger)
                        )
                        return .http(
                            try NIOAsyncChannel(
                                wrappingChannelSynchronously: channel,
                                configuration: .init(isOutboundHalfClosureEnabled: true)))
                    }
                })
            var configuration = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: upgrades)
            configuration.enablePipelining = false  // NIOAsyncChannel takes requests one at a time
            configuration.enableErrorHandling = false  // Hummingbird answers bad requests
            configuration.enableResponseHeaderValidation = false  // HTTPTypes has validated them
            configuration.decoderConfiguration.maxHeaderFieldSize = http1.httpDecoder.maxHeaderFieldSize
            configuration.decoderConfiguration.maxHeaderListSize = http1.httpDecoder.maxHeaderListSize
            configuration.decoderConfiguration.maxHeaderFieldCount = http1.httpDecoder.maxHeaderFieldCount
            let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                configuration: configuration)
            return Value(negotiated: negotiated, channel: channel)
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
            logger.debug("connection ended before its first request", metadata: ["error": "\(error)"])
        }
    }
}

/// Grants from the WebSocket router's `/api/ws` route to the upgrade of the same connection.
final class PushGrants: Sendable {
    private let grants = Mutex<[ObjectIdentifier: PushGrant]>([:])

    func put(_ grant: PushGrant, for channel: any Channel) {
        grants.withLock { $0[ObjectIdentifier(channel)] = grant }
    }

    func take(for channel: any Channel) -> PushGrant? {
        grants.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}
