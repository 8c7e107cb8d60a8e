import Hummingbird
import MomentsCore

/// `GET /api/poll`: long-polling, and plain polling with `timeout=0`.
///
/// Answers at once when the user's stream has events after the cursor, else parks the request
/// on a hub subscription until an event arrives or the timeout passes.
struct LongPollTransport {
    static let maxTimeoutSeconds: Int64 = 60
    static let defaultTimeoutSeconds: Int64 = 25
    static let batchLimit = 100

    let store: any MomentsStore
    let hub: PushHub
    let admission: Admission
    let metrics: ServerMetrics

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("poll") { request, context in
            let user = try context.requireUser().id
            let cursor = try request.integer(query: "cursor", in: 0...Int64.max)
            let timeout = try request.integer(query: "timeout", in: 0...Int64.max) ?? Self.defaultTimeoutSeconds
            // A parked poll holds a connection like a socket does (not rate-limited: a busy
            // long-poller asks again after every answer).
            if timeout > 0 { try admission.admit(user: user, address: context.clientAddress, counted: false) }
            let answer = try await poll(
                user: user, cursor: cursor, timeout: .seconds(min(timeout, Self.maxTimeoutSeconds)))
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(
                    byteBuffer: EventJSON.pollAnswer(
                        events: answer.events.map(\.json), cursor: answer.cursor, unread: answer.unread)))
        }
    }

    /// A poll's answer with its events already encoded: a woken poll sends the hub's bytes.
    struct Answer {
        var events: [PushedEvent]
        var cursor: Int64
        var unread: Int
    }

    func poll(user: String, cursor: Int64?, timeout: Duration) async throws -> Answer {
        let waiting = timeout > .zero ? hub.subscribe(user: user) : nil
        if waiting != nil { metrics.opened(.longpoll) }
        defer {
            if let waiting {
                hub.unsubscribe(waiting)
                metrics.closed(.longpoll)
            }
        }

        let start: Int64
        if let cursor { start = cursor } else { start = try await store.streamPosition(user: user).cursor }
        let backlog = try await store.events(user: user, after: start, limit: Self.batchLimit)
        if let last = backlog.last {
            for event in backlog { metrics.pushed(event, on: .longpoll, live: false) }
            return Answer(events: backlog.map(PushedEvent.init), cursor: last.id, unread: last.unread)
        }
        if let waiting, let first = await waiting.next(within: timeout) {
            let events = ([first] + waiting.drain()).filter { $0.event.id > start }
            if let last = events.last?.event {
                for pushed in events { metrics.pushed(pushed.event, on: .longpoll, live: true) }
                return Answer(events: events, cursor: last.id, unread: last.unread)
            }
        }
        return Answer(events: [], cursor: start, unread: try await store.streamPosition(user: user).unread)
    }
}
