import MomentsPush
import ServiceLifecycle

/// On graceful shutdown, ends every push subscription (WebSockets close with 1001, parked
/// long-polls answer empty) and gives them a moment to go before the HTTP server stops.
struct PushDrainService: Service {
    let hub: PushHub
    let readiness: Readiness
    var grace: Duration = .seconds(3)

    func run() async throws {
        try? await gracefulShutdown()
        readiness.draining()
        hub.shutdown()
        let deadline = ContinuousClock.now + grace
        while hub.subscriptionCount > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
