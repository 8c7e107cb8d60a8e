import Foundation
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsPush
@testable import MomentsServer
@testable import MomentsStore

/// The stream guarantee without sockets or a store: `StreamProgress`, `StreamInbox`, `PushHub`.
@Suite("Stream core")
struct StreamCoreTests {
    static func event(_ id: Int64, to user: String = "alice") -> StoredEvent {
        StoredEvent(recipient: user, id: id, kind: .known(.custom), createdAt: Date(), unread: 0)
    }

    static func pushed(_ id: Int64) -> PushedEvent { PushedEvent(event(id)) }

    static func ids(_ events: [PushedEvent]) -> [Int64] { events.map(\.event.id) }

    @Test("backlog, then what arrived while catching up, then live: each id once, in order")
    func catchUpThenLive() {
        var progress = StreamProgress(cursor: 10, capacity: 100)
        let generation = progress.beginCatchUp()
        // Published while the store is read: 12 is also in the backlog, 13 is not.
        #expect(progress.published(Self.pushed(12), canSend: true) == .queued)
        #expect(progress.published(Self.pushed(13), canSend: true) == .queued)
        let backlog = progress.replayed([Self.pushed(11), Self.pushed(12)], generation: generation)
        #expect(Self.ids(backlog) == [11, 12])
        let early = progress.nextPending()
        #expect(early == nil)  // nothing live before the backlog is done
        let live = progress.caughtUp(generation: generation)
        #expect(live)
        let waited = [progress.nextPending(), progress.nextPending()]
        #expect(waited.map { $0?.event.id } == [13, nil])
        let fresh = progress.published(Self.pushed(14), canSend: true)
        let again = progress.published(Self.pushed(14), canSend: true)
        #expect(fresh == .send)
        #expect(again == .skipped)
        #expect(progress.cursor == 14)
    }

    @Test("a backlog page at or below the cursor sends nothing twice")
    func replayIsIdempotent() {
        var progress = StreamProgress(cursor: 5, capacity: 100)
        let generation = progress.beginCatchUp()
        let first = progress.replayed([Self.pushed(4), Self.pushed(5), Self.pushed(6)], generation: generation)
        let second = progress.replayed([Self.pushed(6)], generation: generation)
        #expect(Self.ids(first) == [6])
        #expect(second.isEmpty)
    }

    @Test("after a resync, pages of the replaced catch-up are ignored")
    func staleGeneration() {
        var progress = StreamProgress(cursor: 0, capacity: 100)
        let first = progress.beginCatchUp()
        let second = progress.beginCatchUp()
        let stale = progress.replayed([Self.pushed(1)], generation: first)
        let staleLive = progress.caughtUp(generation: first)
        let current = progress.replayed([Self.pushed(1)], generation: second)
        let live = progress.caughtUp(generation: second)
        #expect(stale.isEmpty)
        #expect(!staleLive)
        #expect(Self.ids(current) == [1])
        #expect(live)
    }

    @Test("a reader the capacity behind overflows; a writable live reader is never queued")
    func overflow() {
        var progress = StreamProgress(cursor: 0, capacity: 2)
        let generation = progress.beginCatchUp()
        let answers = (1...3).map { progress.published(Self.pushed($0), canSend: true) }
        #expect(answers == [.queued, .queued, .overflow])
        _ = progress.caughtUp(generation: generation)
        let waited = [progress.nextPending(), progress.nextPending()].compactMap { $0 }
        #expect(Self.ids(waited) == [1, 2])
        let blocked = progress.published(Self.pushed(4), canSend: false)
        #expect(blocked == .queued)
        #expect(progress.queued == 1)
    }

    @Test("a stream starts at the client's cursor, else at the user's newest event; gaps where history is missing")
    func start() async {
        let position = StreamPosition(cursor: 42, unread: 3)
        let history = StreamHistory(epoch: "e1", prunedThrough: 9, userPrunedThrough: 5, newest: 50)
        func start(_ cursor: Int64?, _ epoch: String? = nil) async -> StreamStart {
            await StreamStart.decide(requested: cursor, epoch: epoch, position: position, history: history)
        }
        #expect(await start(7) == StreamStart(cursor: 7))
        #expect(await start(nil) == StreamStart(cursor: 42))
        #expect(await start(nil, "e1") == StreamStart(cursor: 42))
        #expect(await start(5, "e1") == StreamStart(cursor: 5))  // everything after it is kept
        #expect(await start(50) == StreamStart(cursor: 50))
        // Below what is kept: resumed there (what is kept still comes), with the gap.
        #expect(await start(4) == StreamStart(cursor: 4, gap: true, oldest: 6))
        #expect(await start(0, "e1") == StreamStart(cursor: 0, gap: true, oldest: 6))
        // Another history: from now, with the gap.
        #expect(await start(7, "e0") == StreamStart(cursor: 42, gap: true, oldest: 6))
        #expect(await start(nil, "e0") == StreamStart(cursor: 42, gap: true, oldest: 6))
        #expect(await start(51) == StreamStart(cursor: 42, gap: true, oldest: 6))
    }

    @Test("an inbox that falls behind ends alone; another of the same user gets every event")
    func inboxOverflowsAlone() async {
        let hub = PushHub()
        let overflowed = OverflowFlag()
        let stuck = StreamInbox(hub: hub, user: "alice", cursor: 0, limits: .init(capacity: 3)) { overflowed.set() }
        let healthy = StreamInbox(hub: hub, user: "alice", cursor: 0, limits: .init(capacity: 100))
        for inbox in [stuck, healthy] { inbox.caughtUp(generation: inbox.beginCatchUp()) }
        hub.publish((1...5).map { Self.event($0) })
        #expect(overflowed.isSet)
        guard case .ended(.overflow) = await stuck.next(within: nil) else {
            Issue.record("the stuck inbox did not end with overflow")
            return
        }
        var received: [Int64] = []
        while case .event(let pushed) = await healthy.next(within: .zero) { received.append(pushed.event.id) }
        #expect(received == [1, 2, 3, 4, 5])
        stuck.close()
        healthy.close()
        #expect(hub.subscriptionCount == 0)
    }

    @Test("an inbox with nothing waiting answers quiet; a resync and a shutdown end it with their reason")
    func inboxEnds() async {
        let hub = PushHub()
        let inbox = StreamInbox(hub: hub, user: "bob", cursor: 0, limits: .init(capacity: 10))
        inbox.caughtUp(generation: inbox.beginCatchUp())
        guard case .quiet = await inbox.next(within: .milliseconds(1)) else {
            Issue.record("expected quiet")
            return
        }
        hub.resync()
        guard case .ended(.resync) = await inbox.next(within: nil) else {
            Issue.record("expected the resync")
            return
        }
        let later = StreamInbox(hub: hub, user: "bob", cursor: 0, limits: .init(capacity: 10))
        hub.shutdown()
        guard case .ended(.shutdown) = await later.next(within: nil) else {
            Issue.record("expected the shutdown")
            return
        }
        // Subscribing after the shutdown ends at once.
        let refused = StreamInbox(hub: hub, user: "bob", cursor: 0, limits: .init(capacity: 10))
        guard case .ended(.shutdown) = await refused.next(within: nil) else {
            Issue.record("expected a subscription after shutdown to end at once")
            return
        }
    }

    @Test("the hub delivers only to the recipient's subscriptions and counts them")
    func hubRouting() {
        let hub = PushHub()
        let alice = StreamInbox(hub: hub, user: "alice", cursor: 0, limits: .init(capacity: 10))
        let bob = StreamInbox(hub: hub, user: "bob", cursor: 0, limits: .init(capacity: 10))
        #expect(hub.subscriptionCount(user: "alice") == 1)
        #expect(hub.subscriptionCount == 2)
        hub.publish([Self.event(1, to: "bob")])
        #expect(alice.drain().isEmpty)
        bob.caughtUp(generation: bob.beginCatchUp())
        #expect(Self.ids(bob.drain()) == [1])
        #expect(hub.listens(to: "bob"))
        bob.close()
        #expect(!hub.listens(to: "bob"))
        alice.close()
    }
}

private final class OverflowFlag: Sendable {
    private let flag = NIOLockedValueBox(false)
    func set() { flag.withLockedValue { $0 = true } }
    var isSet: Bool { flag.withLockedValue { $0 } }
}
