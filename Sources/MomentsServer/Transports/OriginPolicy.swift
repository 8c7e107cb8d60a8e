import Foundation
import Hummingbird

/// Refuses WebSocket upgrades from pages of other sites (cross-site WebSocket hijacking): a
/// browser always sends `Origin`, and a page elsewhere must not ride a user's credentials.
///
/// Allowed: no `Origin` at all (curl and other non-browser clients), the server's own origin
/// (what moments-tui's WebSocket client sends), loopback pages, and the origins configured with
/// `--allowed-origin`.
struct OriginPolicy: RouterMiddleware {
    typealias Context = MomentsRequestContext
    let allowed: Set<String>

    init(allowed: [String]) {
        self.allowed = Set(allowed.map { $0.lowercased() })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let origin = request.headers[.origin], !permits(origin: origin, host: request.head.authority) {
            throw APIError(.forbidden, "forbidden_origin", "WebSocket connections from \(origin) are not allowed")
        }
        return try await next(request, context)
    }

    func permits(origin: String, host: String?) -> Bool {
        let origin = origin.lowercased()
        if allowed.contains(origin) { return true }
        guard let url = URLComponents(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme),
            let originHost = url.host
        else { return false }  // includes "null", sent by sandboxed frames and file:// pages
        if ["localhost", "127.0.0.1", "::1", "[::1]"].contains(originHost) || originHost.hasPrefix("127.") { return true }
        let authority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return authority == host?.lowercased()
    }
}
