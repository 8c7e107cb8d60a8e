import Foundation
import Hummingbird
import MomentsCore
import MomentsPush
import NIOCore

/// `GET /api/sse`: Server-Sent Events, the standard form of HTTP streaming.
///
/// Frames: `event: hello` first, then per event `id:` + `event: <type>` + `data: <json>`, a
/// comment line as heartbeat, and `event: end` before the server closes the stream (shutdown,
/// or the reader fell too far behind); EventSource then reconnects with `Last-Event-ID`.
struct SSETransport {
    let stream: EventStream
    let heartbeat: Duration
    let admission: Admission

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("sse") { request, context in
            let user = try context.requireUser()
            try admission.admit(user: user.id, address: context.clientAddress)
            let cursor = try request.integer(query: "cursor", in: 0...Int64.max) ?? request.lastEventId()
            return response(
                user: user, cursor: cursor, epoch: try request.epoch(), channel: context.channel,
                client: context.clientAddress)
        }
    }

    func response(user: UserSummary, cursor: Int64?, epoch: String?, channel: any Channel, client: String) -> Response {
        let stream = self.stream
        let heartbeat = self.heartbeat
        let headers: HTTPFields = [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            .xAccelBuffering: "no",  // proxies must not hold frames back
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let encoder = WireCoding.makeEncoder()
                // Browsers retry after 3 s by default; a push client should be back sooner.
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                let end = try await stream.run(
                    user: user, cursor: cursor, epoch: epoch, heartbeat: heartbeat, channel: channel, client: client
                ) {
                    item in
                    var frame: ByteBuffer
                    switch item {
                    case .hello(let hello):
                        frame = ByteBuffer(string: "event: hello\ndata: ")
                        frame.writeBytes(try encoder.encode(hello))
                        frame.writeString("\n\n")
                    case .event(let pushed):
                        frame = ByteBuffer(
                            string: "id: \(pushed.event.id)\nevent: \(pushed.event.kind.name)\ndata: ")
                        frame.writeImmutableBuffer(pushed.json)
                        frame.writeString("\n\n")
                    case .heartbeat:
                        frame = ByteBuffer(string: ": heartbeat\n\n")
                    }
                    try await writer.write(frame)
                }
                if case .draining(let retryMs) = end {
                    // EventSource waits `retry` before it reconnects by itself.
                    try await writer.write(
                        ByteBuffer(
                            string:
                                "retry: \(retryMs)\n\nevent: end\ndata: {\"reason\":\"draining\",\"retry_ms\":\(retryMs)}\n\n"
                        ))
                } else if let reason = end.wireName {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: {\"reason\":\"\(reason)\"}\n\n"))
                }
                try await writer.finish(nil)
            })
    }
}

extension Subscription.EndReason {
    /// How streaming transports name a server-side end to the client; nil when the client left.
    var wireName: String? {
        switch self {
        case .overflow: "lagging"
        case .shutdown: "shutdown"
        case .revoked: "revoked"
        case .draining: "draining"
        case .cancelled, .resync: nil
        }
    }
}

extension Request {
    /// The id EventSource sends when it reconnects: resume after it.
    func lastEventId() throws -> Int64? {
        guard let raw = headers[.lastEventID] else { return nil }
        guard let value = Int64(raw.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw APIError.badRequest("Last-Event-ID must be a non-negative integer event id")
        }
        return value
    }
}
