import DequeModule
import MomentsCore
import Synchronization

/// One live connection's inbox in the `PushHub`: a bounded queue with a single consumer.
///
/// The producer never waits: when a reader falls `capacity` events behind, the subscription
/// ends with `.overflow` and the transport closes that one connection; the client resumes from
/// its cursor, so nothing is lost and nobody else is slowed down.
public final class Subscription: Sendable, AsyncSequence {
    public enum EndReason: Sendable, Equatable {
        case overflow
        case shutdown
        case cancelled
        /// The node may have missed events (its cross-node feed was down): read the store again
        /// from your cursor and subscribe anew.
        case resync
    }

    public let id: Int
    public let user: String
    private let capacity: Int
    private let state: Mutex<State>

    private struct State {
        var buffer = Deque<PushedEvent>()
        var waiter: CheckedContinuation<PushedEvent?, Never>?
        var ended: EndReason?
    }

    /// Called once, from the producer, when the reader falls `capacity` behind.
    private let onOverflow: (@Sendable () -> Void)?

    /// A subscription whose owner is not a task but an event-loop handler: events and the end
    /// are handed to it as they happen, nothing is queued here (the handler bounds its own queue).
    struct Push: Sendable {
        let deliver: @Sendable (PushedEvent) -> Void
        let ended: @Sendable (EndReason) -> Void
    }

    private let push: Push?

    init(
        id: Int, user: String, capacity: Int, onOverflow: (@Sendable () -> Void)? = nil, push: Push? = nil
    ) {
        self.id = id
        self.user = user
        self.capacity = capacity
        self.onOverflow = onOverflow
        self.push = push
        self.state = Mutex(State())
    }

    /// Why the stream ended, once it has.
    public var endReason: EndReason? { state.withLock { $0.ended } }

    func deliver(_ event: PushedEvent) {
        if let push {
            if state.withLock({ $0.ended == nil }) { push.deliver(event) }
            return
        }
        var overflowed = false
        let waiter: CheckedContinuation<PushedEvent?, Never>? = state.withLock { state in
            guard state.ended == nil else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            if state.buffer.count >= capacity {
                state.ended = .overflow
                state.buffer.removeAll()
                overflowed = true
            } else {
                state.buffer.append(event)
            }
            return nil
        }
        waiter?.resume(returning: event)
        if overflowed { onOverflow?() }
    }

    func end(_ reason: EndReason) {
        let (waiter, first) = state.withLock { state -> (CheckedContinuation<PushedEvent?, Never>?, Bool) in
            let first = state.ended == nil
            if first { state.ended = reason }
            defer { state.waiter = nil }
            return (state.waiter, first)
        }
        waiter?.resume(returning: nil)
        if first { push?.ended(reason) }
    }

    /// The next event, or nil once the subscription has ended or the task is cancelled.
    public func next() async -> PushedEvent? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready: PushedEvent?? = state.withLock { state in
                    if let event = state.buffer.popFirst() { return .some(event) }
                    if state.ended != nil || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return .none
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<PushedEvent?, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// The next event, or nil when `timeout` passes first or the subscription ends.
    ///
    /// Both racers are awaited to the end, so an event that arrives just as the timer fires is
    /// returned, not dropped with the losing task.
    public func next(within timeout: Duration) async -> PushedEvent? {
        await withTaskGroup(of: PushedEvent?.self) { group in
            group.addTask { await self.next() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var event: PushedEvent?
            for await outcome in group {
                group.cancelAll()
                if let outcome { event = outcome }
            }
            return event
        }
    }

    /// Events waiting to be written: here, or in the queue of the handler it pushes to.
    var queued: Int { push == nil ? state.withLock { $0.buffer.count } : handlerQueued.load(ordering: .relaxed) }

    /// What a push-mode owner has queued, as it last said (`queuedEvents` adds it up).
    private let handlerQueued = Atomic<Int>(0)

    func handlerQueue(is count: Int) {
        handlerQueued.store(count, ordering: .relaxed)
    }

    /// Everything already queued, without waiting.
    public func drain() -> [PushedEvent] {
        state.withLock { state in
            defer { state.buffer.removeAll() }
            return Array(state.buffer)
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: Subscription
        public mutating func next() async -> PushedEvent? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
