import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// A response that says `Connection: close` ends its connection once written. Hummingbird
/// otherwise reads the rest of the request's body to reach the next request: an upload refused
/// at its size limit would still be read to its end (or, chunked, for ever).
final class CloseAfterResponse: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var closing = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            closing = head.headerFields[.connection]?.lowercased() == "close"
        case .end where closing:
            let written = context.eventLoop.makePromise(of: Void.self)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
            written.futureResult.cascade(to: promise)
            context.write(data, promise: written)
            return
        default:
            break
        }
        context.write(data, promise: promise)
    }
}
