import Hummingbird
import MomentsCore
import MomentsStore

/// Resolves `Authorization: Bearer TOKEN` (or `?token=`, for browsers' WebSocket and
/// EventSource) to a user, or answers 401.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = MomentsRequestContext
    let tokens: TokenAuthority
    let store: any MomentsStore
    let revocations: Revocations
    let known = KnownUsers()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        context.authenticate(try await authenticate(request))
        return try await next(request, context)
    }

    func authenticate(_ request: Request) async throws -> UserSummary {
        guard let token = Self.token(in: request) else {
            throw APIError.unauthorized("missing token: send Authorization: Bearer TOKEN or ?token=TOKEN")
        }
        guard let verified = await tokens.verify(token) else {
            throw APIError.unauthorized("invalid or expired token")
        }
        guard !revocations.refuses(verified) else { throw APIError.unauthorized("token revoked: sign in again") }
        let userId = verified.user
        if let user = known.user(id: userId) { return user }
        guard let user = try await store.user(id: userId) else {
            throw APIError.unauthorized("token for an unknown user")
        }
        known.remember(user)
        return user
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
            return nil
        }
        return request.uri.queryParameters.get("token")
    }
}
