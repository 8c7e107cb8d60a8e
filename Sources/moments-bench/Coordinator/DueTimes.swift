import NIOConcurrencyHelpers

/// When each keyed message was due, for arrivals that cannot carry their own time (likes).
final class DueTimes: Sendable {
    private let times = NIOLockedValueBox<[String: UInt64]>([:])

    func set(_ key: String, _ due: UInt64) {
        times.withLockedValue { $0[key] = due }
    }

    func get(_ key: String) -> UInt64? {
        times.withLockedValue { $0[key] }
    }
}
