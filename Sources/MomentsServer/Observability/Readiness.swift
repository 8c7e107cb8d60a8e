import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// What `GET /readyz` answers: whether this node can take writes and push them everywhere now
/// (`/healthz` only says the process answers). A load balancer stops sending writes to a node
/// that is not ready; the reasons say why, for the operator.
final class Readiness: Sendable {
    /// How long a refusal for lack of space keeps the node not ready without another one: a
    /// node taken out of the load balancer gets no writes to show that space is back.
    static let storageFullFor: Duration = .seconds(30)

    private struct State {
        var storageFullAt: ContinuousClock.Instant?
        /// Nil on the embedded store, which has no cross-node feed.
        var listening: Bool?
        var draining = false
    }

    private let state: NIOLockedValueBox<State>

    init(crossNode: Bool) {
        state = NIOLockedValueBox(State(listening: crossNode ? false : nil))
    }

    /// A write was refused for lack of space.
    func storageFull() { state.withLockedValue { $0.storageFullAt = .now } }

    /// A commit stored `writes` writes: there is space again.
    func committed(_ writes: Int) {
        guard writes > 0 else { return }
        state.withLockedValue { $0.storageFullAt = nil }
    }

    /// The cross-node feed's LISTEN connection is up (or down).
    func listening(_ up: Bool) { state.withLockedValue { $0.listening = up } }

    func draining() { state.withLockedValue { $0.draining = true } }

    /// Why the node is not ready; empty when it is.
    var reasons: [String] {
        state.withLockedValue { state in
            var reasons: [String] = []
            if let at = state.storageFullAt, .now - at < Self.storageFullFor { reasons.append("storage_full") }
            if state.listening == false { reasons.append("cross_node_feed_down") }
            if state.draining { reasons.append("draining") }
            return reasons
        }
    }
}

/// `/readyz`'s answer: 200 `{"status":"ready","reasons":[]}`, or 503 with `not_ready` and why.
struct ReadinessAnswer: ResponseGenerator {
    private struct Body: Encodable {
        var status: String
        var reasons: [String]
    }

    let reasons: [String]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(status: reasons.isEmpty ? "ready" : "not_ready", reasons: reasons)
        return Response(
            status: reasons.isEmpty ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder().encode(body))))
    }
}
