import Foundation
import NIOConcurrencyHelpers

/// Tokens already verified, until they expire: a long-poller or a liker presents the same
/// token with every request, and checking it (header JSON, HMAC, payload JSON) was ~7% of the
/// server's CPU under 10,000 long-polls. The same bytes verify the same way until `exp`, so a
/// hit answers without checking again. Bounded: when full it starts over.
final class VerifiedTokens: Sendable {
    static let capacity = 50_000

    private let entries = NIOLockedValueBox<[String: (verified: VerifiedToken, expires: Date)]>([:])

    func token(_ token: String, at now: Date) -> VerifiedToken? {
        entries.withLockedValue { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expires > now else {
                entries[token] = nil
                return nil
            }
            return entry.verified
        }
    }

    func remember(_ token: String, as verified: VerifiedToken, expires: Date) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = (verified, expires)
        }
    }
}
