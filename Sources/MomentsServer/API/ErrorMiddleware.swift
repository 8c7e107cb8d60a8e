import Hummingbird
import Logging
import MomentsCore

/// Gives every failure the one error shape of docs/protocol.md, whoever threw it.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch StoreError.notFound(let what) {
            throw APIError.notFound(what)
        } catch let error as HTTPResponseError {
            throw Self.translate(error.status)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)"])
            throw APIError(.internalServerError, "internal", "internal server error")
        }
    }

    static func translate(_ status: HTTPResponse.Status) -> APIError {
        switch status {
        case .notFound: .notFound("no such route")
        case .contentTooLarge: APIError(status, "payload_too_large", "request body too large")
        case .badRequest: .badRequest("malformed request")
        case .unauthorized: .unauthorized("missing or invalid token")
        default: APIError(status, "http_\(status.code)", status.reasonPhrase)
        }
    }
}
