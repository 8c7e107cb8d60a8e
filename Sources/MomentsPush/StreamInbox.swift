import MomentsCore
import NIOConcurrencyHelpers

/// A hub subscription for transports that write from a task (SSE, iframe, long-poll): the
/// hub's pushes land in a `StreamProgress` under a lock, and the task takes them with `next`.
package final class StreamInbox: Sendable {
    package enum Next {
        case event(PushedEvent)
        case ended(Subscription.EndReason)
        /// Nothing arrived within the wait: time for a heartbeat, or the long-poll's empty answer.
        case quiet
    }

    private struct State {
        var progress: StreamProgress
        var ended: Subscription.EndReason?
        var waiter: CheckedContinuation<Void, Never>?
        var subscription: Subscription?
        var whenEnded: (@Sendable () -> Void)?
    }

    private let state: NIOLockedValueBox<State>
    private let hub: PushHub
    private let onOverflow: @Sendable () -> Void

    /// Subscribes `user` at once (before the backlog is read). `onOverflow` runs when the reader
    /// falls the capacity behind: its writes may be stuck on a peer that reads nothing.
    package init(
        hub: PushHub, user: String, cursor: Int64, limits: StreamLimits,
        onOverflow: @escaping @Sendable () -> Void = {}
    ) {
        self.hub = hub
        self.onOverflow = onOverflow
        state = NIOLockedValueBox(State(progress: StreamProgress(cursor: cursor, capacity: limits.capacity)))
        let subscription = hub.subscribe(
            user: user, deliver: { [weak self] in self?.published($0) }, ended: { [weak self] in self?.ended($0) })
        state.withLockedValue { $0.subscription = subscription }
    }

    /// Leaves the hub; what was queued is dropped.
    package func close() {
        let subscription = state.withLockedValue { state in
            defer { state.subscription = nil }
            state.progress.discardPending()
            return state.subscription
        }
        if let subscription { hub.unsubscribe(subscription) }
    }

    package var cursor: Int64 { state.withLockedValue { $0.progress.cursor } }

    /// Whether the hub ended it (or it overflowed): its owner must read the store again.
    package var hasEnded: Bool { state.withLockedValue { $0.ended != nil } }

    /// Runs `body` once when the subscription ends, at once if it has; nil forgets it. For an
    /// owner holding the inbox while nobody waits on it (a long-poll between two polls).
    package func whenEnded(_ body: (@Sendable () -> Void)?) {
        let now = state.withLockedValue { state in
            state.whenEnded = state.ended == nil ? body : nil
            return state.ended == nil ? nil : body
        }
        now?()
    }

    package func beginCatchUp() -> Int { state.withLockedValue { $0.progress.beginCatchUp() } }

    package func replayed(_ page: [PushedEvent], generation: Int) -> [PushedEvent] {
        state.withLockedValue { $0.progress.replayed(page, generation: generation) }
    }

    package func caughtUp(generation: Int) {
        _ = state.withLockedValue { $0.progress.caughtUp(generation: generation) }
    }

    /// The next live event, the end, or `.quiet` once `timeout` (nil: forever) passes first.
    package func next(within timeout: Duration?) async -> Next {
        if let ready = take() { return ready }
        if let timeout {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitForNews() }
                group.addTask { try? await Task.sleep(for: timeout) }
                await group.next()
                group.cancelAll()
            }
        } else {
            await waitForNews()
        }
        // Whatever arrived stays queued until taken here: nothing is lost to the losing racer.
        if let ready = take() { return ready }
        return Task.isCancelled ? .ended(.cancelled) : .quiet
    }

    /// Every live event waiting now, without waiting.
    package func drain() -> [PushedEvent] {
        state.withLockedValue { state in
            var events: [PushedEvent] = []
            while let event = state.progress.nextPending() { events.append(event) }
            return events
        }
    }

    private func take() -> Next? {
        state.withLockedValue { state in
            if let event = state.progress.nextPending() {
                state.subscription?.ownerQueue(is: state.progress.queued)
                return .event(event)
            }
            return state.ended.map(Next.ended)
        }
    }

    private func waitForNews() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLockedValue { state in
                    if state.ended != nil || state.progress.queued > 0 || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            wake()
        }
    }

    private func wake() {
        state.withLockedValue { state in
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }

    private func published(_ event: PushedEvent) {
        let overflowed: (@Sendable () -> Void)?? = state.withLockedValue { state in
            guard state.ended == nil else { return nil }
            switch state.progress.published(event, canSend: false) {
            case .overflow:
                state.ended = .overflow
                state.progress.discardPending()
                defer { state.whenEnded = nil }
                return .some(state.whenEnded)
            case .send, .queued, .skipped:
                state.subscription?.ownerQueue(is: state.progress.queued)
                return nil
            }
        }
        wake()
        if let handler = overflowed {
            onOverflow()
            handler?()
        }
    }

    private func ended(_ reason: Subscription.EndReason) {
        let handler = state.withLockedValue { state in
            guard state.ended == nil else { return nil as (@Sendable () -> Void)? }
            state.ended = reason
            defer { state.whenEnded = nil }
            return state.whenEnded
        }
        wake()
        handler?()
    }
}
