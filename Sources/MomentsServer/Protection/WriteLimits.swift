import Hummingbird

/// 429 with Retry-After for a user or an address writing faster than the limits allow. Reads
/// are never limited here: they cost little and a client that polls is bounded by `timeout`.
struct WriteLimits: RouterMiddleware {
    typealias Context = MomentsRequestContext
    let perUser: RateLimiter
    let perAddress: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if request.method != .get {
            if let wait = perAddress.take(context.clientAddress) {
                throw APIError.rateLimited(wait, "writes from your address")
            }
            if let user = context.user, let wait = perUser.take(user.id) { throw APIError.rateLimited(wait, "writes") }
        }
        return try await next(request, context)
    }
}
