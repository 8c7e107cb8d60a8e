import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// `Expect: 100-continue` answered with `100 Continue` as the request arrives. curl asks it of
/// every body over 1 MB (a photo) and, unanswered, waits a second before sending the body.
/// A body declared larger than any route takes gets no 100: its 413 comes first.
final class ExpectContinue: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    /// The largest body any route takes: a larger one declared gets no 100, and its refusal
    /// reaches the client before it sends the body.
    private let largestBody: Int

    init(largestBody: Int) {
        self.largestBody = largestBody
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
            request.headerFields[.expect]?.lowercased() == "100-continue",
            (request.headerFields[.contentLength].flatMap(Int.init) ?? 0) <= largestBody
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
