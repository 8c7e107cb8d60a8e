import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// `Expect: 100-continue` answered with `100 Continue` as the request arrives. curl asks it of
/// every body over 1 MB (a photo) and, unanswered, waits a second before sending the body.
/// A request refused from its headers (a picture over the size limit) then gets its error
/// after the 100, as HTTP allows, and its connection closed (`CloseAfterResponse`).
final class ExpectContinue: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundOut = HTTPResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data),
            request.headerFields[.expect]?.lowercased() == "100-continue"
        {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponse(status: .continue))), promise: nil)
        }
        context.fireChannelRead(data)
    }
}
