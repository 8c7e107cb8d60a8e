import HTTPTypes
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

// Slowloris protection: a request's headers must be complete within `Limits.headerTimeout`,
// however slowly the bytes trickle in. Two handlers, because the HTTP pipeline is only built
// once the first request's headers have been read (to decide on a WebSocket upgrade).

/// From the connection's start until the end of the first request's headers (CRLF CRLF),
/// on the raw bytes; then it leaves the pipeline.
final class FirstRequestDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var tail: [UInt8] = []

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let context = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.value.eventLoop.scheduleTask(in: timeout) { context.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    /// Graceful shutdown closes idle connections in the HTTP layer, which is only built once the
    /// first request's headers are in: before that (a client connected and silent, or half a
    /// request head) this handler closes it at once, or shutdown waited for the deadline. No
    /// request has been read, so nothing accepted is lost.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // Look for the blank line across reads: keep the last three bytes of the previous one.
        let window = tail + buffer.readableBytesView
        let complete =
            window.count >= 4
            && (0...(window.count - 4)).contains { i in
                window[i] == 13 && window[i + 1] == 10 && window[i + 2] == 13 && window[i + 3] == 10
            }
        tail = Array(window.suffix(3))
        context.fireChannelRead(data)
        if complete { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
    }
}

/// After each response on a kept-alive HTTP connection, until the next request's headers are
/// parsed: a slow next request, or none at all (an idle connection), is closed.
final class NextRequestDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var inFlight = 0

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            inFlight += 1
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            inFlight = max(0, inFlight - 1)
            if inFlight == 0 {
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                timer = context.eventLoop.scheduleTask(in: timeout) { bound.value.close(promise: nil) }
            }
        }
        context.write(data, promise: promise)
    }
}

/// Puts `FirstRequestDeadline` in front of a server's own pipeline (after TLS, when wrapped).
struct FirstRequestDeadlineChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let timeout: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(FirstRequestDeadline(timeout: timeout))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension FirstRequestDeadlineChannel: HTTPChannelHandler where Base: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}
