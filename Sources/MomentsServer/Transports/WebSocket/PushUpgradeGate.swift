import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

/// Sits between the HTTP codec and the request loop of every connection and takes the upgrade
/// requests out of the stream, on a connection's first request or any later one (proxies such
/// as nginx send upgrades over kept-alive upstream connections).
///
/// An upgrade request is answered by the application's own router, with a `PushUpgrade` in the
/// context: when the `/api/ws` route admits it, the gate answers 101 with NIO's handshake
/// headers and turns the connection into a `WebSocketPushHandler`; any other answer (401, 403,
/// 429, 503, …) is sent whole with `Connection: close`, and the connection closes — NIO's HTTP
/// decoder parses nothing after an upgrade request, so it could not serve another request.
///
/// Plain requests pass through; the first one starts Hummingbird's request loop (`startHTTP`).
/// A connection upgraded on its first request never has that loop, so no task waits on it.
final class PushUpgradeGate: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How the connection goes on after its first request.
    enum Negotiated: Sendable {
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        case pushing
    }

    private let router: any HTTPResponder<MomentsRequestContext>
    private let push: WebSocketPushHandler.Dependencies
    private let logger: Logger
    private let startHTTP: (any Channel) throws -> NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
    private let negotiated: EventLoopPromise<Negotiated>
    private var decided = false
    /// Plain requests passed on whose response has not ended yet.
    private var inFlight = 0
    private var upgradeRequest: HTTPRequest?
    private var upgradeRequestComplete = false

    init(
        router: any HTTPResponder<MomentsRequestContext>, push: WebSocketPushHandler.Dependencies, logger: Logger,
        negotiated: EventLoopPromise<Negotiated>,
        startHTTP: @escaping (any Channel) throws -> NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
    ) {
        self.router = router
        self.push = push
        self.logger = logger
        self.negotiated = negotiated
        self.startHTTP = startHTTP
    }

    /// How the connection goes on, said once: the first answer counts.
    private func settle(_ result: Result<Negotiated, any Error>) {
        guard !decided else { return }
        decided = true
        negotiated.completeWith(result)
    }

    // MARK: requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head) where Self.asksToUpgrade(head):
            upgradeRequest = head
        case .head:
            if !decided {
                do {
                    settle(.success(.http(try startHTTP(context.channel))))
                } catch {
                    settle(.failure(error))
                    context.close(promise: nil)
                    return
                }
            }
            inFlight += 1
            context.fireChannelRead(data)
        case .body:
            // An upgrade request's body (there should be none) is not anyone's business.
            if upgradeRequest == nil { context.fireChannelRead(data) }
        case .end:
            guard upgradeRequest != nil else { return context.fireChannelRead(data) }
            upgradeRequestComplete = true
            answerUpgradeWhenIdle(context: context)
        }
    }

    /// What NIO's decoder treats as an upgrade (it stops parsing after one): `Connection: upgrade`
    /// with an `Upgrade` header.
    static func asksToUpgrade(_ head: HTTPRequest) -> Bool {
        guard head.headerFields[.upgrade] != nil, let connection = head.headerFields[.connection] else { return false }
        return connection.split(separator: ",").contains {
            $0.trimmingCharacters(in: .whitespaces).lowercased() == "upgrade"
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { inFlight -= 1 }
        context.write(data, promise: promise)
        if inFlight == 0 { answerUpgradeWhenIdle(context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(.failure(ChannelError.inputClosed))
        context.fireChannelInactive()
    }

    /// A first request the decoder cannot read (a control character in a header, a line with no
    /// colon, a garbage request line): no request loop exists yet to answer it, so the gate
    /// does — 400 and a close — instead of leaving the connection open, unanswered, for ever.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !decided, error is HTTPParserError else { return context.fireErrorCaught(error) }
        settle(.failure(error))
        let loop = context.eventLoop
        let bound = NIOLoopBound(context, eventLoop: loop)
        Task {
            await PushUpgradeGate.sendAndClose(APIError.badRequest("malformed request").response, on: bound, loop: loop)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        settle(.failure(ChannelError.inputClosed))
    }

    // MARK: the upgrade

    /// Answers a complete upgrade request once earlier responses are out (answers keep order).
    private func answerUpgradeWhenIdle(context: ChannelHandlerContext) {
        guard upgradeRequestComplete, inFlight == 0, let request = upgradeRequest else { return }
        upgradeRequestComplete = false
        let upgrade = PushUpgrade()
        var requestContext = MomentsRequestContext(source: .init(channel: context.channel, logger: logger))
        requestContext.pushUpgrade = upgrade
        let router = self.router
        let loop = context.eventLoop
        let gate = NIOLoopBound(self, eventLoop: loop)
        let bound = NIOLoopBound(context, eventLoop: loop)
        Task {
            let response = await PushUpgradeGate.route(request, with: router, context: requestContext)
            if response.status == .switchingProtocols, let grant = upgrade.grant {
                loop.execute { gate.value.switchToWebSocket(request, grant: grant, context: bound.value) }
            } else {
                await PushUpgradeGate.sendAndClose(response, on: bound, loop: loop)
                loop.execute { gate.value.settle(.failure(ChannelError.inputClosed)) }
            }
        }
    }

    /// The router's answer, thrown errors included (as Hummingbird would answer them).
    private static func route(
        _ head: HTTPRequest, with router: any HTTPResponder<MomentsRequestContext>, context: MomentsRequestContext
    ) async -> Response {
        let request = Request(head: head, body: .init(buffer: ByteBuffer()))
        do {
            return try await router.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            return (try? error.response(from: request, context: context)) ?? internalError
        } catch {
            return internalError
        }
    }

    private static var internalError: Response {
        APIError(.internalServerError, "internal", "internal server error").response
    }

    private func switchToWebSocket(_ request: HTTPRequest, grant: PushGrant, context: ChannelHandlerContext) {
        let channel = context.channel
        let handshake = NIOTypedWebSocketServerUpgrader<Void>(
            maxFrameSize: push.limits.maxWebSocketMessage,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
        let head: HTTPRequestHead
        do {
            head = try HTTPRequestHead(request)
        } catch {
            return badHandshake(context: context)
        }
        // NIO checks the key and version and computes Sec-WebSocket-Accept.
        handshake.buildUpgradeResponse(channel: channel, upgradeRequest: head, initialResponseHeaders: [:])
            .assumeIsolated().whenComplete { result in
                guard case .success(let headers) = result else { return self.badHandshake(context: context) }
                self.completeUpgrade(headers: headers, grant: grant, context: context)
            }
    }

    private func completeUpgrade(headers: HTTPHeaders, grant: PushGrant, context: ChannelHandlerContext) {
        let response = HTTPResponse(status: .switchingProtocols, headerFields: HTTPFields(headers, splitCookie: false))
        context.writeAndFlush(wrapOutboundOut(.head(response)), promise: nil)
        // The same handlers NIO's upgrader adds, but here, ahead of whatever HTTP left behind it
        // (a started request loop stays at the end of the pipeline and sees nothing more).
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandlers(
                [
                    WebSocketFrameEncoder(),
                    ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: push.limits.maxWebSocketMessage)),
                    WebSocketProtocolErrorHandler(),
                    WebSocketPushHandler(grant: grant, dependencies: push),
                ], position: .after(self))
            // Whichever of HTTP's handlers are there (a test's pipeline has none of them).
            if let encoder = try? pipeline.handler(type: HTTPResponseEncoder.self) {
                _ = pipeline.removeHandler(encoder)
            }
            if let decoder = try? pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                _ = pipeline.removeHandler(decoder)
            }
            if let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) {
                _ = pipeline.removeHandler(codec)
            }
            if let deadline = try? pipeline.handler(type: NextRequestDeadline.self) {
                _ = pipeline.removeHandler(deadline)
            }
            settle(.success(.pushing))
            _ = pipeline.removeHandler(self)
        } catch {
            logger.debug("WebSocket upgrade failed", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    private func badHandshake(context: ChannelHandlerContext) {
        let loop = context.eventLoop
        let gate = NIOLoopBound(self, eventLoop: loop)
        let bound = NIOLoopBound(context, eventLoop: loop)
        Task {
            let answer = APIError.badRequest("not a WebSocket handshake: Sec-WebSocket-Key and version 13 are needed")
            await PushUpgradeGate.sendAndClose(answer.response, on: bound, loop: loop)
            loop.execute { gate.value.settle(.failure(ChannelError.inputClosed)) }
        }
    }

    /// Writes a whole response from a task through this handler's place in the pipeline (never
    /// through the request loop, which did not see the request), then closes the connection.
    private static func sendAndClose(
        _ response: Response, on context: NIOLoopBound<ChannelHandlerContext>, loop: any EventLoop
    ) async {
        var fields = response.head.headerFields
        fields[.connection] = "close"
        if let length = response.body.contentLength, fields[.contentLength] == nil {
            fields[.contentLength] = String(length)
        }
        let head = HTTPResponsePart.head(HTTPResponse(status: response.status, headerFields: fields))
        let body = response.body
        do {
            try await loop.flatSubmit { context.value.writeAndFlush(NIOAny(head)) }.get()
            try await body.write(ContextBodyWriter(context: context, loop: loop))
        } catch {
            // The peer left; the close below is all there is to do.
        }
        loop.execute { context.value.close(promise: nil) }
    }
}

/// A response body written part by part at the gate's place in the pipeline.
private struct ContextBodyWriter: ResponseBodyWriter {
    let context: NIOLoopBound<ChannelHandlerContext>
    let loop: any EventLoop

    mutating func write(_ buffer: ByteBuffer) async throws {
        let context = self.context
        try await loop.flatSubmit { context.value.writeAndFlush(NIOAny(HTTPResponsePart.body(buffer))) }.get()
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        let context = self.context
        try await loop.flatSubmit { context.value.writeAndFlush(NIOAny(HTTPResponsePart.end(trailingHeaders))) }.get()
    }
}
