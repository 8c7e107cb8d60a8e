import Foundation
import Hummingbird
import MomentsCore
import NIOCore

/// Per-request state: who is asking (set by `AuthMiddleware`) and the wire JSON settings.
public struct MomentsRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated user; routes behind `AuthMiddleware` may rely on it.
    public var user: UserSummary?
    /// The connection, so a refused WebSocket upgrade can still be answered properly.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// The peer's IP address: the key of per-address limits.
    var clientAddress: String { channel.remoteAddress?.ipAddress ?? "unknown" }
    public var requestDecoder: JSONDecoder { WireCoding.makeDecoder() }
    public var responseEncoder: JSONEncoder { WireCoding.makeEncoder() }

    func requireUser() throws -> UserSummary {
        guard let user else { throw APIError.unauthorized("missing token") }
        return user
    }
}
