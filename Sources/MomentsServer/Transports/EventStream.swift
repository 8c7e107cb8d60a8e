import MomentsCore
import NIOCore
import Synchronization

/// One user's stream as the HTTP streaming transports (SSE, iframe) send it: a hello,
/// the backlog after the cursor, then live events — each event once, in id order — with an
/// optional heartbeat whenever the line has been quiet for a while.
struct EventStream {
    enum Item {
        case hello(Hello)
        case event(PushedEvent)
        case heartbeat
    }

    /// Backlog read per store query, by every streaming transport (WebSocket included).
    static let replayPage = 500

    let store: any MomentsStore
    let hub: PushHub
    let transport: ServerMetrics.Transport
    let metrics: ServerMetrics

    /// A reader this far behind gets `overflowGrace` to take the closing words (4013, `event:
    /// end`); a peer that reads nothing at all blocks those writes, so its connection is then cut.
    static let overflowGrace: TimeAmount = .seconds(2)

    /// Sends the stream until the subscription ends (answering why) or `send` throws.
    func run(
        user: UserSummary, cursor: Int64?, heartbeat: Duration? = nil, channel: any Channel,
        send: (Item) async throws -> Void
    ) async throws -> Subscription.EndReason {
        metrics.opened(transport)
        defer { metrics.closed(transport) }
        let position = try await store.streamPosition(user: user.id)
        var last = cursor ?? position.cursor
        try await send(.hello(Hello(user: user, unread: position.unread, cursor: last)))
        while true {
            let end = try await follow(
                user: user.id, after: &last, heartbeat: heartbeat, channel: channel, send: send)
            // A resync means events may have passed this node by: read the store again.
            if end != .resync { return end }
        }
    }

    /// The backlog after `last`, then live events, until the subscription ends.
    private func follow(
        user: String, after last: inout Int64, heartbeat: Duration?, channel: any Channel,
        send: (Item) async throws -> Void
    ) async throws -> Subscription.EndReason {
        // Subscribe before reading the backlog: whatever commits in between is queued, not lost.
        let cutoff = Mutex<Scheduled<Void>?>(nil)
        let subscription = hub.subscribe(user: user) {
            let task = channel.eventLoop.scheduleTask(in: Self.overflowGrace) { channel.close(promise: nil) }
            cutoff.withLock { $0 = task }
        }
        defer {
            hub.unsubscribe(subscription)
            // The stream ended in time (its closing words were written): no cut needed.
            cutoff.withLock { $0?.cancel() }
        }
        while true {
            let page = try await store.events(user: user, after: last, limit: Self.replayPage)
            for event in page {
                try await send(.event(PushedEvent(event)))
                metrics.pushed(event, on: transport, live: false)
                last = event.id
            }
            if page.count < Self.replayPage { break }
        }
        while true {
            let next: PushedEvent?
            if let heartbeat {
                next = await subscription.next(within: heartbeat)
            } else {
                next = await subscription.next()
            }
            if let pushed = next {
                // The backlog may already have covered what the subscription queued meanwhile.
                guard pushed.event.id > last else { continue }
                try await send(.event(pushed))
                metrics.pushed(pushed.event, on: transport, live: true)
                last = pushed.event.id
            } else if let reason = subscription.endReason {
                return reason
            } else if Task.isCancelled {
                return .cancelled
            } else {
                try await send(.heartbeat)
            }
        }
    }
}
