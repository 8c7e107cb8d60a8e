import Hummingbird
import MomentsCore
import MomentsPush
import MomentsStore

/// `GET /api/poll`: long-polling, and plain polling with `timeout=0`.
///
/// Answers at once when the user's stream has events after the cursor, else parks the request
/// on a hub subscription until an event arrives or the timeout passes.
struct LongPollTransport {
    static let maxTimeoutSeconds: Int64 = 60
    static let defaultTimeoutSeconds: Int64 = 25
    /// Events per answer at most (docs/protocol.md): the client polls again from the new cursor.
    static let batchLimit = 100

    let store: any MomentsStore
    let hub: PushHub
    let limits: StreamLimits
    let admission: Admission
    let metrics: ServerMetrics

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("poll") { request, context in
            let user = try context.requireUser().id
            let cursor = try request.integer(query: "cursor", in: 0...Int64.max)
            let epoch = try request.epoch()
            let timeout = try request.integer(query: "timeout", in: 0...Int64.max) ?? Self.defaultTimeoutSeconds
            // A parked poll holds a connection like a socket does (not rate-limited: a busy
            // long-poller asks again after every answer).
            if timeout > 0 { try admission.admit(user: user, address: context.clientAddress, counted: false) }
            let answer = try await poll(
                user: user, cursor: cursor, epoch: epoch, timeout: .seconds(min(timeout, Self.maxTimeoutSeconds)))
            var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            // Draining: come back (to another node) after this many seconds.
            if let retryMs = answer.retryMs { headers[.retryAfter] = String((retryMs + 999) / 1000) }
            return Response(
                status: .ok, headers: headers,
                body: .init(
                    byteBuffer: EventJSON.pollAnswer(
                        events: answer.events.map(\.json), cursor: answer.cursor, unread: answer.unread,
                        start: answer.start, epoch: answer.epoch)))
        }
    }

    /// A poll's answer with its events already encoded: a woken poll sends the hub's bytes.
    struct Answer {
        var events: [PushedEvent]
        var cursor: Int64
        var unread: Int
        /// Where the poll started, and whether that was a gap.
        var start: StreamStart
        var epoch: String
        /// Set when the node is draining.
        var retryMs: Int?
    }

    func poll(user: String, cursor requested: Int64?, epoch: String?, timeout: Duration) async throws -> Answer {
        let history = try await store.history(user: user)
        let start = try await StreamStart.decide(
            requested: requested, epoch: epoch, position: try await store.streamPosition(user: user), history: history)
        let cursor = start.cursor
        func answer(_ events: [PushedEvent], cursor: Int64, unread: Int) -> Answer {
            Answer(events: events, cursor: cursor, unread: unread, start: start, epoch: history.epoch)
        }
        // Subscribed before the backlog is read, as every stream is; a plain poll needs no inbox.
        let inbox = timeout > .zero ? StreamInbox(hub: hub, user: user, cursor: cursor, limits: limits) : nil
        if inbox != nil { metrics.opened(.longpoll) }
        defer {
            if let inbox {
                inbox.close()
                metrics.closed(.longpoll)
            }
        }
        let generation = inbox?.beginCatchUp() ?? 0
        let backlog = try await store.events(user: user, after: cursor, limit: Self.batchLimit)
        if let last = backlog.last {
            for event in backlog { metrics.pushed(event, on: .longpoll, live: false) }
            return answer(backlog.map(PushedEvent.init), cursor: last.id, unread: last.unread)
        }
        if let inbox {
            inbox.caughtUp(generation: generation)
            switch await inbox.next(within: timeout) {
            case .event(let first):
                let events = [first] + inbox.drain()
                for pushed in events { metrics.pushed(pushed.event, on: .longpoll, live: true) }
                return answer(events, cursor: inbox.cursor, unread: events.last?.event.unread ?? 0)
            case .ended(.revoked):
                throw APIError.unauthorized("token revoked")
            case .ended(.draining(let retryMs)):
                var drained = answer([], cursor: cursor, unread: try await store.streamPosition(user: user).unread)
                drained.retryMs = retryMs
                return drained
            case .ended, .quiet:
                break
            }
        }
        return answer([], cursor: cursor, unread: try await store.streamPosition(user: user).unread)
    }
}
