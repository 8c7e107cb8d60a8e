import Foundation
import Hummingbird
import MomentsCore
import NIOCore
import NIOHTTP1

/// Answers a refused WebSocket upgrade with the real reason (401 for a bad token, …), so a
/// client can tell "bad token" from "no WebSocket here".
///
/// The upgrade is still being negotiated, so the answer goes straight to the HTTP/1 encoder on
/// the channel, which is then closed.
struct UpgradeRefusal: RouterMiddleware {
    typealias Context = MomentsRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            metrics.rejected(error.code)
            await Self.answer(error, on: context.channel)
            return Response(status: error.status)
        }
    }

    static func answer(_ error: APIError, on channel: any Channel) async {
        guard let body = try? WireCoding.makeEncoder().encode(APIErrorBody(code: error.code, message: error.message))
        else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Connection", value: "close")
        for field in error.headers { headers.add(name: field.name.rawName, value: field.value) }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: error.status.code), headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        try? await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        try? await channel.close()
    }
}
