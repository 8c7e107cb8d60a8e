import Foundation
import MomentsCore
import Prometheus

/// What `GET /metrics` reports, in Prometheus text format. One registry per server, so several
/// servers in one process (tests) do not mix their numbers.
final class ServerMetrics: Sendable {
    enum Transport: String, CaseIterable {
        case websocket, sse, iframe, longpoll
    }

    let registry: PrometheusCollectorRegistry
    private let open: [Transport: Gauge]
    private let pushed: [Transport: Counter]
    private let latency: DurationHistogram

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        open = Dictionary(
            uniqueKeysWithValues: Transport.allCases.map { transport in
                (
                    transport,
                    registry.makeGauge(
                        name: "moments_open_connections", labels: [("transport", transport.rawValue)],
                        help: "Push connections open now (parked long-polls included)")
                )
            })
        pushed = Dictionary(
            uniqueKeysWithValues: Transport.allCases.map { transport in
                (
                    transport,
                    registry.makeCounter(
                        name: "moments_events_pushed_total", labels: [("transport", transport.rawValue)],
                        help: "Events written to push connections")
                )
            })
        latency = registry.makeDurationHistogram(
            name: "moments_push_latency_seconds",
            buckets: [
                .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
            ],
            help: "From an event's commit (created_at) to its write on a live push connection")
    }

    func opened(_ transport: Transport) { open[transport]?.increment() }
    func closed(_ transport: Transport) { open[transport]?.decrement() }

    /// An event written to a connection; live ones (not replayed backlog) also time the push.
    func pushed(_ event: Event, on transport: Transport, live: Bool) {
        pushed[transport]?.increment()
        if live {
            latency.record(.nanoseconds(max(0, Int64(Date().timeIntervalSince(event.createdAt) * 1e9))))
        }
    }

    /// A refused request or connection, by the error code clients see (or a close reason).
    func rejected(_ reason: String) {
        registry.makeCounter(
            name: "moments_rejected_requests_total", labels: [("reason", reason)],
            help: "Requests and connections refused, by reason"
        ).increment()
    }

    func text() -> String { registry.emitToString() }
}
