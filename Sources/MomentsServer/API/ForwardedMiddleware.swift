import Hummingbird

/// First on every route: who the client is and how it came, for limits, logs and the Origin
/// check. Forwarding headers count only from `--trusted-proxy` peers.
struct ForwardedMiddleware: RouterMiddleware {
    typealias Context = MomentsRequestContext
    let proxies: TrustedProxies
    /// This server's own scheme: `https` when it holds the certificate itself.
    let scheme: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var context = context
        let peer = context.clientAddress
        context.clientAddress = proxies.clientAddress(peer: peer, headers: request.headers)
        context.scheme = proxies.forwardedScheme(peer: peer, headers: request.headers) ?? scheme
        return try await next(request, context)
    }
}
