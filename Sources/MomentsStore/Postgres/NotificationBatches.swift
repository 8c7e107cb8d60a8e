import NIOConcurrencyHelpers

/// NOTIFY payloads between the LISTEN connection and the fan-out: whatever arrived while the
/// previous batch was being read from the store is taken at once, so under load one read
/// serves many events instead of one read each.
final class NotificationBatches: Sendable {
    private struct State {
        var payloads: [String] = []
        var waiter: CheckedContinuation<[String]?, Never>?
        var finished = false
    }

    private let state = NIOLockedValueBox(State())

    func add(_ payload: String) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<[String]?, Never>? in
            guard let waiter = state.waiter else {
                state.payloads.append(payload)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: [payload])
    }

    /// No more payloads: `next()` answers nil once what is queued has been taken.
    func finish() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<[String]?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// Everything queued (waiting for at least one), or nil once finished and empty.
    func next() async -> [String]? {
        await withCheckedContinuation { continuation in
            let ready: [String]?? = state.withLockedValue { state in
                if !state.payloads.isEmpty {
                    defer { state.payloads.removeAll() }
                    return .some(state.payloads)
                }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
