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
    let lingering: LingeringPolls

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("poll") { request, context in
            let user = try context.requireUser().id
            let cursor = try request.integer(query: "cursor", in: 0...Int64.max)
            let epoch = try request.epoch()
            let timeout = try request.integer(query: "timeout", in: 0...Int64.max) ?? Self.defaultTimeoutSeconds
            let answer = try await poll(
                user: user, cursor: cursor, epoch: epoch, timeout: .seconds(min(timeout, Self.maxTimeoutSeconds)),
                address: context.clientAddress)
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

    func poll(user: String, cursor requested: Int64?, epoch: String?, timeout: Duration, address: String) async throws
        -> Answer
    {
        // The client's next poll finds its subscription (and what came meanwhile) in memory.
        if timeout > .zero, let requested,
            let (inbox, epoch) = lingering.take(user: user, cursor: requested, epoch: epoch)
        {
            metrics.resumedPoll()
            return try await wait(
                on: inbox, user: user, start: StreamStart(cursor: requested), epoch: epoch, timeout: timeout)
        }
        // A parked poll holds a connection like a socket does (not rate-limited: a busy
        // long-poller asks again after every answer).
        if timeout > .zero { try admission.admit(user: user, address: address, counted: false) }
        let history = try await store.history(user: user)
        let start = try await StreamStart.decide(
            requested: requested, epoch: epoch, position: try await store.streamPosition(user: user), history: history)
        // Subscribed before the backlog is read, as every stream is; a plain poll needs no inbox.
        guard timeout > .zero else {
            let backlog = try await store.events(user: user, after: start.cursor, limit: Self.batchLimit)
            return try await answer(backlog: backlog, user: user, start: start, epoch: history.epoch)
        }
        let inbox = StreamInbox(hub: hub, user: user, cursor: start.cursor, limits: limits)
        let generation = inbox.beginCatchUp()
        let backlog: [StoredEvent]
        do {
            backlog = try await store.events(user: user, after: start.cursor, limit: Self.batchLimit)
        } catch {
            inbox.close()
            throw error
        }
        guard !backlog.isEmpty else {
            inbox.caughtUp(generation: generation)
            return try await wait(on: inbox, user: user, start: start, epoch: history.epoch, timeout: timeout)
        }
        // A short page is the whole backlog: the inbox, past it, lingers for the next poll.
        let answer = try await answer(backlog: backlog, user: user, start: start, epoch: history.epoch)
        if backlog.count < Self.batchLimit {
            _ = inbox.replayed(answer.events, generation: generation)
            inbox.caughtUp(generation: generation)
            lingering.keep(inbox, user: user, epoch: history.epoch)
        } else {
            inbox.close()
        }
        return answer
    }

    /// Events read from the store, or, with none, the stream's position as it stands.
    private func answer(backlog: [StoredEvent], user: String, start: StreamStart, epoch: String) async throws
        -> Answer
    {
        guard let last = backlog.last else {
            return Answer(
                events: [], cursor: start.cursor, unread: try await store.streamPosition(user: user).unread,
                start: start, epoch: epoch)
        }
        for event in backlog { metrics.pushed(event, on: .longpoll, live: false) }
        return Answer(
            events: backlog.map(PushedEvent.init), cursor: last.id, unread: last.unread, start: start, epoch: epoch)
    }

    /// Parks the poll on its live inbox until news or the timeout; a live inbox lingers after.
    private func wait(on inbox: StreamInbox, user: String, start: StreamStart, epoch: String, timeout: Duration)
        async throws -> Answer
    {
        metrics.opened(.longpoll)
        defer { metrics.closed(.longpoll) }
        var lingers = false
        defer { lingers ? lingering.keep(inbox, user: user, epoch: epoch) : inbox.close() }
        func answer(_ events: [PushedEvent], unread: Int) -> Answer {
            Answer(events: events, cursor: inbox.cursor, unread: unread, start: start, epoch: epoch)
        }
        switch await inbox.next(within: timeout) {
        case .event(let first):
            let events = [first] + inbox.drain()
            for pushed in events { metrics.pushed(pushed.event, on: .longpoll, live: true) }
            lingers = true
            return answer(events, unread: events.last?.event.unread ?? 0)
        case .ended(.revoked):
            throw APIError.unauthorized("token revoked")
        case .ended(.draining(let retryMs)):
            var drained = answer([], unread: try await store.streamPosition(user: user).unread)
            drained.retryMs = retryMs
            return drained
        case .quiet:
            // The unread count may have moved without an event (read on another device).
            let unread = try await store.streamPosition(user: user).unread
            lingers = true
            return answer([], unread: unread)
        case .ended:
            return answer([], unread: try await store.streamPosition(user: user).unread)
        }
    }
}
