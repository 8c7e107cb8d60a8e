import Foundation
import HTTPTypes
import Hummingbird
import MomentsCore

/// An error a client can act on: an HTTP status plus a stable machine-readable `code`.
public struct APIError: Error, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func badRequest(_ message: String) -> APIError { APIError(.badRequest, "bad_request", message) }
    public static func unauthorized(_ message: String) -> APIError { APIError(.unauthorized, "unauthorized", message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, "not_found", message) }

    /// The same request works once the database answers again.
    static var storeUnavailable: APIError {
        var error = APIError(.serviceUnavailable, "store_unavailable", "the database is not answering: try again later")
        error.headers[.retryAfter] = "5"
        return error
    }

    /// Nothing of the write was stored; the same request works once the server has space.
    static var storageFull: APIError {
        var error = APIError(
            .init(code: 507, reasonPhrase: "Insufficient Storage"), "insufficient_storage",
            "the server's storage is full: nothing was stored, try again later")
        error.headers[.retryAfter] = "30"
        return error
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response
    }

    /// The error as docs/protocol.md shapes it: `{"error": {"code", "message"}}`.
    var response: Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        let body = (try? WireCoding.makeEncoder().encode(APIErrorBody(code: code, message: message))) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
