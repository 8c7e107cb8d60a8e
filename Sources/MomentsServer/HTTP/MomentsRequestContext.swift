import Foundation
import Hummingbird
import MomentsCore
import NIOConcurrencyHelpers
import NIOCore

/// Per-request state: who is asking (set by `AuthMiddleware`) and the wire JSON settings.
public struct MomentsRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user; routes behind `AuthMiddleware` may rely on it.
    public var user: UserSummary?
    /// The connection: the peer's address, and the event loop a stream's cut-off runs on.
    let channel: any Channel
    /// Set only on WebSocket upgrade requests, by `PushUpgradeGate`: where the route's yes goes.
    var pushUpgrade: PushUpgrade?

    /// The client's IP address, the key of per-address limits: the peer's, or behind a trusted
    /// proxy the one it forwarded (`ForwardedMiddleware`).
    var clientAddress: String
    /// How the client reached this server, `http` or `https` (behind a TLS proxy: as it says).
    var scheme = "http"
    /// What inner middleware learns that the access log, outside it, reports.
    let note = RequestNote()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
    public var requestDecoder: JSONDecoder { WireCoding.makeDecoder() }
    public var responseEncoder: JSONEncoder { WireCoding.makeEncoder() }

    /// Sets the authenticated user, for the routes and the access log.
    mutating func authenticate(_ user: UserSummary) {
        self.user = user
        note.user = user.id
    }

    func requireUser() throws -> UserSummary {
        guard let user else { throw APIError.unauthorized("missing token") }
        return user
    }
}

/// Shared by every copy of one request's context: the access log sits outside the middleware
/// that sets these, and contexts are values.
final class RequestNote: Sendable {
    private let state = NIOLockedValueBox<String?>(nil)

    /// The authenticated user's id (or `publisher` for the publish API).
    var user: String? {
        get { state.withLockedValue { $0 } }
        set { state.withLockedValue { $0 = newValue } }
    }
}
