import Foundation
import MomentsCore
import MomentsStore
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
    private let commits: Counter
    private let pruned: Counter
    private let committedWrites: Counter
    private let pixels: Counter
    private let mediaSwept: Counter
    private let pollsResumed: Counter

    init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        open = Dictionary(
            uniqueKeysWithValues: Transport.allCases.map { transport in
                (
                    transport,
                    registry.makeGauge(
                        descriptor: Self.name(
                            "open", "connections", "Push connections open now (parked long-polls included)"),
                        labels: [("transport", transport.rawValue)])
                )
            })
        pushed = Dictionary(
            uniqueKeysWithValues: Transport.allCases.map { transport in
                (
                    transport,
                    registry.makeCounter(
                        descriptor: Self.name("events_pushed", "total", "Events written to push connections"),
                        labels: [("transport", transport.rawValue)])
                )
            })
        latency = registry.makeDurationHistogram(
            descriptor: Self.name(
                "push_latency", "seconds", "From an event's commit (created_at) to its write on a live push connection"),
            buckets: [
                .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
            ])
        commits = registry.makeCounter(
            descriptor: Self.name("store_commits", "total", "Transactions committed by group commit"))
        pruned = registry.makeCounter(
            descriptor: Self.name("events_pruned", "total", "Events deleted by --event-retention"))
        committedWrites = registry.makeCounter(
            descriptor: Self.name(
                "store_committed_writes", "total", "Writes in those transactions (÷ commits = writes per batch)"))
        pixels = registry.makeCounter(
            descriptor: Self.name(
                "media_decoded", "pixels_total", "Pixels of uploaded pictures decoded (counted before decoding)"))
        mediaSwept = registry.makeCounter(
            descriptor: Self.name("media_swept", "total", "Pictures removed: uploads no post took, and posts' gone"))
        pollsResumed = registry.makeCounter(
            descriptor: Self.name(
                "longpolls_resumed", "total",
                "Long-polls that found their stream position in memory, kept since the client's last poll"))
    }

    /// `moments_NAME_UNIT`.
    private static func name(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "moments", metricName: name, unitName: unit, helpText: help)
    }

    /// A group commit of `writes` successful writes.
    func committed(_ writes: Int) {
        commits.increment()
        committedWrites.increment(by: Int64(writes))
    }

    func pruned(_ events: Int) { pruned.increment(by: Int64(events)) }
    func decodedPixels(_ count: Int) { pixels.increment(by: Int64(count)) }
    func sweptMedia(_ count: Int) { mediaSwept.increment(by: Int64(count)) }
    func resumedPoll() { pollsResumed.increment() }

    func opened(_ transport: Transport) { open[transport]?.increment() }
    func closed(_ transport: Transport) { open[transport]?.decrement() }

    /// An event written to a connection; live ones (not replayed backlog) also time the push.
    func pushed(_ event: StoredEvent, on transport: Transport, live: Bool) {
        pushed[transport]?.increment()
        if live {
            latency.record(.nanoseconds(max(0, Int64(Date().timeIntervalSince(event.createdAt) * 1e9))))
        }
    }

    /// A refused request or connection, by the error code clients see (or a close reason).
    func rejected(_ reason: String) {
        registry.makeCounter(
            descriptor: Self.name("rejected_requests", "total", "Requests and connections refused, by reason"),
            labels: [("reason", reason)]
        ).increment()
    }

    func text() -> String { registry.emitToString() }
}
