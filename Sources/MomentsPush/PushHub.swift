import MomentsStore
import NIOConcurrencyHelpers

/// The seed article's session cache: user id → that user's live subscriptions (one per open
/// WebSocket or waiting long-poll, on any device).
///
/// `publish` is called once per committed batch, in commit order, and hands the already-built
/// events to every subscription of each recipient: no store access on the push path.
public final class PushHub: EventSink {
    private struct State {
        var nextId = 0
        var byUser: [String: [Int: Subscription]] = [:]
        /// Kept alongside `byUser`: admission asks for it on every connect.
        var total = 0
        var shuttingDown = false
        /// Set by `drain`: what a new subscription is ended with at once.
        var draining: Subscription.EndReason?
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    /// Registers a live subscription: `deliver` gets every event published for `user` from now
    /// on, `ended` the reason once it ends. Register *before* reading the backlog from the store,
    /// so nothing committed in between is missed (`StreamProgress` drops what the backlog had).
    package func subscribe(
        user: String, deliver: @escaping @Sendable (PushedEvent) -> Void,
        ended: @escaping @Sendable (Subscription.EndReason) -> Void
    ) -> Subscription {
        let (subscription, refusal) = state.withLockedValue { state in
            state.nextId += 1
            let subscription = Subscription(id: state.nextId, user: user, deliver: deliver, ended: ended)
            let refusal = state.shuttingDown ? .shutdown : state.draining
            if refusal == nil {
                state.byUser[user, default: [:]][subscription.id] = subscription
                state.total += 1
            }
            return (subscription, refusal)
        }
        if let refusal { subscription.end(refusal) }
        return subscription
    }

    public func unsubscribe(_ subscription: Subscription) {
        state.withLockedValue { state in
            guard state.byUser[subscription.user]?.removeValue(forKey: subscription.id) != nil else { return }
            state.total -= 1
            if state.byUser[subscription.user]?.isEmpty == true { state.byUser[subscription.user] = nil }
        }
        subscription.end(.cancelled)
    }

    public func publish(_ events: [StoredEvent]) {
        for event in events {
            let subscriptions = state.withLockedValue { $0.byUser[event.recipient].map { Array($0.values) } ?? [] }
            // Encoded once, and only for recipients listening here.
            guard !subscriptions.isEmpty else { continue }
            let pushed = PushedEvent(event)
            for subscription in subscriptions { subscription.publish(pushed) }
        }
    }

    /// Starts a drain: new subscriptions end at once with `refusal`; answers the live ones, for
    /// the caller to end one by one.
    public func drain(refusing refusal: Subscription.EndReason) -> [Subscription] {
        state.withLockedValue { state in
            state.draining = refusal
            return state.byUser.values.flatMap(\.values)
        }
    }

    public var isDraining: Bool { state.withLockedValue { $0.draining != nil || $0.shuttingDown } }

    /// Ends every subscription with `.shutdown` and refuses new ones; each stays counted until
    /// its transport unsubscribes, so a drain can wait for them.
    public func shutdown() {
        let all = state.withLockedValue { state in
            state.shuttingDown = true
            return state.byUser.values.flatMap(\.values)
        }
        for subscription in all { subscription.end(.shutdown) }
    }

    /// Ends every subscription with `.resync`: transports catch up from the store and subscribe
    /// again. Called when this node's cross-node feed was interrupted and is listening again.
    public func resync() {
        let (all, draining) = state.withLockedValue { state in
            defer {
                state.byUser.removeAll()
                state.total = 0
            }
            return (state.byUser.values.flatMap(\.values), state.draining)
        }
        // Draining, a resync would only be refused: each is told to come back elsewhere.
        for subscription in all { subscription.end(draining ?? .resync) }
    }

    /// Ends every subscription of `user` with `reason` (a revocation).
    public func end(user: String, _ reason: Subscription.EndReason) {
        let theirs = state.withLockedValue { $0.byUser[user].map { Array($0.values) } ?? [] }
        for subscription in theirs { subscription.end(reason) }
    }

    /// Whether anyone on this node listens to `user`: the cross-node feed skips the others.
    public func listens(to user: String) -> Bool {
        state.withLockedValue { $0.byUser[user] != nil }
    }

    /// Events queued in all subscriptions: bounded by capacity × subscriptions, however slow
    /// the readers are.
    public var queuedEvents: Int {
        let all = state.withLockedValue { $0.byUser.values.flatMap(\.values) }
        return all.reduce(0) { $0 + $1.queued }
    }

    /// Live subscriptions of one user: the per-user connection limit.
    public func subscriptionCount(user: String) -> Int {
        state.withLockedValue { $0.byUser[user]?.count ?? 0 }
    }

    /// Number of live subscriptions, for tests, metrics and draining.
    public var subscriptionCount: Int {
        state.withLockedValue { $0.total }
    }
}
