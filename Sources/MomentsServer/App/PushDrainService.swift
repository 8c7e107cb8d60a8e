import MomentsPush
import ServiceLifecycle

/// On graceful shutdown (SIGTERM), the node drains without a reconnect storm: `/readyz` says
/// `draining` at once (a load balancer moves away), new streams are refused, and the open ones
/// are ended over `window`, each at a delay drawn uniformly from it, with a hint of when to
/// come back (WebSocket close 1012 `retry_ms=N`, SSE `retry:` and an end event, a parked
/// long-poll answered with `Retry-After`). Clients resume by cursor: nothing is lost. With no
/// window, everything ends at once with `.shutdown` (1001), as a test server wants.
/// Last in the node's services, so it is the first to stop: the HTTP server and the cross-node
/// feed keep working while it drains.
struct PushDrainService: Service {
    let hub: PushHub
    let readiness: Readiness
    var window: Duration = .zero
    /// After the window (or at once), how long the stragglers get to go.
    var grace: Duration = .seconds(3)

    /// The reconnect hints handed out, in milliseconds: spread too, so the clients of one
    /// moment do not all come back in the same one.
    static let retryMs = 250...2000

    /// `count` hints spread evenly over `retryMs`, in random order: distinct while there are
    /// fewer connections than milliseconds in the range.
    static func hints(_ count: Int) -> [Int] {
        let span = retryMs.upperBound - retryMs.lowerBound
        return (0..<count).map { retryMs.lowerBound + $0 * span / max(1, count) }.shuffled()
    }

    func run() async throws {
        try? await gracefulShutdown()
        readiness.draining()
        if window > .zero {
            let open = hub.drain(refusing: .draining(retryMs: Self.retryMs.upperBound))
            var hints = Self.hints(open.count).makeIterator()
            await DrainSchedule(subscriptions: open, window: window).run { subscription in
                subscription.end(.draining(retryMs: hints.next() ?? Self.retryMs.upperBound))
            }
        }
        hub.shutdown()
        let deadline = ContinuousClock.now + grace
        while hub.subscriptionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Each subscription's end at a delay drawn uniformly from the window, carried out in order
/// on one task (20 ms ticks), however many there are.
struct DrainSchedule {
    let due: [(at: Duration, subscription: Subscription)]

    init(subscriptions: [Subscription], window: Duration) {
        let nanoseconds = max(
            1, window.components.seconds * 1_000_000_000 + window.components.attoseconds / 1_000_000_000)
        due = subscriptions.map { (at: .nanoseconds(Int64.random(in: 0...nanoseconds)), subscription: $0) }
            .sorted { $0.at < $1.at }
    }

    func run(_ end: (Subscription) -> Void) async {
        let start = ContinuousClock.now
        var next = due.startIndex
        while next < due.endIndex {
            let elapsed = ContinuousClock.now - start
            while next < due.endIndex, due[next].at <= elapsed {
                end(due[next].subscription)
                next += 1
            }
            if next < due.endIndex { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }
}
