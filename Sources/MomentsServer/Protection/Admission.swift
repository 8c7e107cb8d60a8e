import Hummingbird
import MomentsPush

/// Whether a new push connection (WebSocket, SSE, iframe, parked long-poll) may open: the
/// address's connect rate, the user's open connections, and the server's.
struct Admission: Sendable {
    let limits: Limits
    let hub: PushHub
    let connects: RateLimiter

    init(limits: Limits, hub: PushHub) {
        self.limits = limits
        self.hub = hub
        connects = RateLimiter(perSecond: limits.connectsPerSecondPerAddress)
    }

    func admit(user: String, address: String, counted: Bool = true) throws {
        if hub.isDraining {
            var error = APIError(
                .serviceUnavailable, "draining", "this node is shutting down: connect again (to another)")
            error.headers[.retryAfter] = "1"
            throw error
        }
        if counted, let wait = connects.take(address) { throw APIError.rateLimited(wait, "connection attempts") }
        if hub.subscriptionCount(user: user) >= limits.connectionsPerUser {
            var error = APIError(
                .tooManyRequests, "too_many_connections",
                "\(limits.connectionsPerUser) push connections are open for this user: close one first")
            error.headers[.retryAfter] = "5"
            throw error
        }
        if hub.subscriptionCount >= limits.connections {
            var error = APIError(.serviceUnavailable, "server_full", "this server holds all the connections it may")
            error.headers[.retryAfter] = "5"
            throw error
        }
    }
}
