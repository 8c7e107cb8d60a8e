import MomentsCore
import NIOConcurrencyHelpers

/// Users already looked up for a verified token, for `ttl`: every authenticated request needs
/// the user's name, and reading it from the store cost each like a hop to a reader thread and
/// back. A rename (a CLI command, possibly on another node) shows within `ttl`. Bounded: when
/// full it starts over.
final class KnownUsers: Sendable {
    static let capacity = 50_000
    static let ttl: Duration = .seconds(30)

    private let entries = NIOLockedValueBox<[String: (user: UserSummary, until: ContinuousClock.Instant)]>([:])

    func user(id: String, now: ContinuousClock.Instant = .now) -> UserSummary? {
        entries.withLockedValue { entries in
            guard let entry = entries[id], entry.until > now else { return nil }
            return entry.user
        }
    }

    func remember(_ user: UserSummary, now: ContinuousClock.Instant = .now) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[user.id] = (user, now + Self.ttl)
        }
    }
}
