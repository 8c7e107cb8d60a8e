import MomentsPush
import MomentsStore
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Token revocations ("sign out everywhere", `moments-server token revoke`) as this node
/// knows them: loaded at start and read again every second from the store, where any node or
/// the CLI writes them, so a revocation holds on every node within about a second. A user's
/// open connections on this node are closed as soon as it learns of their revocation.
final class Revocations: Sendable {
    static let refresh: Duration = .seconds(1)
    /// Each read goes this far back (ms): the clocks of the nodes that write may disagree.
    static let skew: Int64 = 60_000

    let store: any MomentsStore
    private let hub: PushHub
    private let cutoffs = NIOLockedValueBox<[String: Int64]>([:])

    init(store: any MomentsStore, hub: PushHub) {
        self.store = store
        self.hub = hub
    }

    /// Whether a valid token was issued before its user's cut-off (both in milliseconds).
    func refuses(_ token: VerifiedToken) -> Bool {
        guard let cutoff = cutoffs.withLockedValue({ $0[token.user] }) else { return false }
        return Int64(token.issuedAt.timeIntervalSince1970 * 1000) < cutoff
    }

    /// Revokes every token of `user` issued until now: in the store, and here at once.
    func revoke(user: String) async throws -> Int64 {
        let now = StoreClock.now()
        try await store.revokeTokens(user: user, before: now)
        apply([user: now])
        return now
    }

    /// Takes the cut-offs read from the store; closes the connections of users whose cut-off moved.
    func apply(_ fresh: [String: Int64]) {
        let moved = cutoffs.withLockedValue { cutoffs in
            fresh.compactMap { user, cutoff -> String? in
                guard cutoff > cutoffs[user] ?? .min else { return nil }
                cutoffs[user] = cutoff
                return user
            }
        }
        for user in moved { hub.end(user: user, .revoked) }
    }
}

/// Reads new revocations every second for as long as the server runs.
struct RevocationWatch: Service {
    let revocations: Revocations

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var since = StoreClock.now() - Revocations.skew
            while !Task.isCancelled {
                try? await Task.sleep(for: Revocations.refresh)
                let started = StoreClock.now()
                // A read that fails (the store away) is tried again on the next tick.
                if let fresh = try? await revocations.store.revocations(since: since) {
                    revocations.apply(fresh)
                    since = started - Revocations.skew
                }
            }
        }
    }
}
