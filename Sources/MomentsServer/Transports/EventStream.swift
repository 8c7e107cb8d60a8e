import MomentsCore
import MomentsPush
import MomentsStore
import NIOConcurrencyHelpers
import NIOCore

/// One user's stream as the HTTP streaming transports (SSE, iframe) send it, on the stream
/// core: a hello, the backlog after the cursor, then live events, with a heartbeat whenever
/// the line has been quiet for a while.
struct EventStream {
    enum Item {
        case hello(Hello)
        case event(PushedEvent)
        case heartbeat
    }

    let store: any MomentsStore
    let hub: PushHub
    let limits: StreamLimits
    let transport: ServerMetrics.Transport
    let metrics: ServerMetrics
    let accessLog: AccessLog?

    /// Sends the stream until it ends (answering why) or `send` throws.
    func run(
        user: UserSummary, cursor requested: Int64?, epoch: String?, heartbeat: Duration?, channel: any Channel,
        client: String, send: (Item) async throws -> Void
    ) async throws -> Subscription.EndReason {
        metrics.opened(transport)
        let opened = ContinuousClock.now
        var events = 0
        accessLog?.streamOpened(transport: transport.rawValue, user: user.id, client: client)
        defer {
            metrics.closed(transport)
            accessLog?.streamClosed(
                transport: transport.rawValue, duration: .now - opened, user: user.id, client: client, events: events)
        }
        let position = try await store.streamPosition(user: user.id)
        let history = try await store.history(user: user.id)
        let start = await StreamStart.decide(
            requested: requested, epoch: epoch, position: position, history: history)
        var cursor = start.cursor
        try await send(
            .hello(
                Hello(
                    user: user, unread: position.unread, cursor: cursor, epoch: history.epoch,
                    gap: start.gap ? true : nil, oldest: start.gap ? start.oldest : nil)))
        while true {
            // An overflow while `send` is stuck on a peer that reads nothing: cut it off after the
            // grace. A stream that gets to return in time says its closing words instead.
            let cutoff = NIOLockedValueBox<Scheduled<Void>?>(nil)
            let inbox = StreamInbox(hub: hub, user: user.id, cursor: cursor, limits: limits) {
                let cut = channel.eventLoop.scheduleTask(in: StreamLimits.overflowGrace) { channel.close(promise: nil) }
                cutoff.withLockedValue { $0 = cut }
            }
            defer {
                inbox.close()
                cutoff.withLockedValue { $0?.cancel() }
            }
            let end = try await follow(inbox, user: user.id, heartbeat: heartbeat, events: &events, send: send)
            cursor = inbox.cursor
            // A resync means events may have passed this node by: read the store again.
            if end != .resync { return end }
        }
    }

    private func follow(
        _ inbox: StreamInbox, user: String, heartbeat: Duration?, events: inout Int, send: (Item) async throws -> Void
    ) async throws -> Subscription.EndReason {
        let generation = inbox.beginCatchUp()
        try await StreamBacklog(store: store).read(user: user, after: inbox.cursor) { page in
            for pushed in inbox.replayed(page, generation: generation) {
                try await send(.event(pushed))
                events += 1
                metrics.pushed(pushed.event, on: transport, live: false)
            }
        }
        inbox.caughtUp(generation: generation)
        while true {
            switch await inbox.next(within: heartbeat) {
            case .event(let pushed):
                try await send(.event(pushed))
                events += 1
                metrics.pushed(pushed.event, on: transport, live: true)
            case .quiet:
                try await send(.heartbeat)
            case .ended(let reason):
                return reason
            }
        }
    }
}
