import Foundation
import Hummingbird

/// Refuses WebSocket upgrades from pages of other sites (cross-site WebSocket hijacking): a
/// browser always sends `Origin`, and a page elsewhere must not ride a user's credentials.
///
/// Allowed: no `Origin` or a `ws:`/`wss:` one (non-browser clients: curl, and WSClient — so
/// moments-tui — which sends `ws://HOST`; pages cannot forge either), the server's own origin,
/// loopback pages, and the origins configured with `--allowed-origin`.
struct OriginPolicy: RouterMiddleware {
    typealias Context = MomentsRequestContext
    let allowed: Set<String>

    init(allowed: [String]) {
        self.allowed = Set(allowed.map { $0.lowercased() })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if let origin = request.headers[.origin],
            !permits(origin: origin, host: request.head.authority, scheme: context.scheme)
        {
            throw APIError(.forbidden, "forbidden_origin", "WebSocket connections from \(origin) are not allowed")
        }
        return try await next(request, context)
    }

    /// - Parameter scheme: how the client reached this server: a page of this site has the same.
    func permits(origin: String, host: String?, scheme serverScheme: String = "http") -> Bool {
        let origin = origin.lowercased()
        if allowed.contains(origin) { return true }
        guard let url = URLComponents(string: origin), let scheme = url.scheme, let originHost = url.host else {
            return false  // includes "null", sent by sandboxed frames and file:// pages
        }
        if ["ws", "wss"].contains(scheme) { return true }
        guard ["http", "https"].contains(scheme) else { return false }
        if Self.isLoopback(originHost) { return true }
        let authority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return scheme == serverScheme && authority == host?.lowercased()
    }

    /// localhost, ::1 and 127.0.0.0/8 written as an address (not a name that starts with "127.").
    static func isLoopback(_ host: String) -> Bool {
        if ["localhost", "::1", "[::1]"].contains(host) { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
