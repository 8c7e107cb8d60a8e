import Hummingbird
import Logging
import MomentsCore
import MomentsStore

/// Gives every failure the one error shape of docs/protocol.md, whoever threw it.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let readiness: Readiness

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            if StoreFailure(error) == .full { readiness.storageFull() }
            let answer = Self.answer(for: error, context: context)
            metrics.rejected(answer.code)
            throw answer
        }
    }

    static func answer(for error: any Error, context: Context) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? HTTPResponseError { return translate(error.status) }
        switch StoreFailure(error) {
        case .notFound(let what):
            return APIError.notFound(what)
        case .refused(let refusal):
            return APIError(refusal.kind == .invalid ? .badRequest : .conflict, refusal.code, refusal.message)
        case .unavailable:
            context.logger.error(
                "database unavailable: request refused", metadata: ["error": "\(StoreFailure.describe(error))"])
            return .storeUnavailable
        case .full:
            context.logger.error("storage full: write refused", metadata: ["error": "\(error)"])
            return .storageFull
        case .other:
            context.logger.error("request failed", metadata: ["error": "\(StoreFailure.describe(error))"])
            return APIError(.internalServerError, "internal", "internal server error")
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
