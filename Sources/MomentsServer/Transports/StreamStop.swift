import Synchronization

/// Lets a transport end a running `EventStream` from outside it (the WebSocket reader, when the
/// peer goes away): the stream's current subscription ends with `.cancelled`, so the writer
/// stops waiting without a task of its own to cancel.
final class StreamStop: Sendable {
    private let state = Mutex<(stopped: Bool, subscription: Subscription?)>((false, nil))

    /// The stream's current subscription; ended at once if the stop came first.
    func attach(_ subscription: Subscription) {
        let stopped = state.withLock { state in
            state.subscription = subscription
            return state.stopped
        }
        if stopped { subscription.end(.cancelled) }
    }

    func trigger() {
        let subscription = state.withLock { state in
            state.stopped = true
            return state.subscription
        }
        subscription?.end(.cancelled)
    }
}
