import Foundation
import MomentsCore
import Testing

@testable import MomentsPush
@testable import MomentsServer
@testable import MomentsTestSupport

/// A long-poller's subscription lingers between two polls, so its next poll finds its position,
/// and whatever came meanwhile, in memory. What it answers must be what a store read answers,
/// and an ended subscription must never stay behind.
@Suite("long-poll: the subscription kept between polls")
struct LingeringPollTests {
    static func decoded(_ body: String) throws -> PollResult {
        try WireCoding.makeDecoder().decode(PollResult.self, from: Data(body.utf8))
    }

    @Test(
        "the next poll answers what came between polls from memory, byte for byte what the store answers",
        arguments: IdempotencyTests.Backend.available)
    func nextPollFromMemory(_ backend: IdempotencyTests.Backend) async throws {
        let server = try await backend.start()
        let alice = try await server.api("alice")
        let post = try await alice.createPost(text: "留着")
        let token = try await server.token("alice")
        let start = try await alice.me().cursor
        func poll(_ cursor: Int64, timeout: Int) async throws -> IdempotencyTests.Answer {
            try await IdempotencyTests.send(
                server, .GET, "/api/poll?cursor=\(cursor)&timeout=\(timeout)", token: token, key: nil)
        }

        async let parked = poll(start, timeout: 50)
        try await eventually("the long-poll to park") { server.server.hub.subscriptionCount(user: "alice") == 1 }
        _ = try await server.api("bob").like(postId: post.id)
        let woken = try await parked
        let afterLike = try Self.decoded(woken.body).cursor
        // Nobody polls now; the subscription stays, and the comment waits in it.
        try await eventually("the subscription to linger") { server.server.lingeringPolls.count == 1 }
        #expect(server.server.hub.subscriptionCount(user: "alice") == 1)
        _ = try await server.api("carol").comment(postId: post.id, text: "之间")

        let resumed = try await poll(afterLike, timeout: 50)
        let fromStore = try await poll(afterLike, timeout: 0)
        #expect(resumed.body.contains(#""id":"carol""#), "\(resumed.body)")
        #expect(resumed.body == fromStore.body)
        #expect(try await server.metricsText().contains("moments_longpolls_resumed_total 1"))
        // An older cursor is not the kept one's: it reads the store, and gets both.
        let older = try Self.decoded(try await poll(start, timeout: 50).body)
        #expect(older.events.map(\.actor?.id) == ["bob", "carol"])
        #expect(try await server.metricsText().contains("moments_longpolls_resumed_total 1"))
        try await server.stop()
    }

    @Test("a kept subscription the hub ends (a resync) is let go at once: the next poll reads the store")
    func endedIsDropped() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let cursor = try await alice.me().cursor
        let quiet = try await alice.poll(cursor: cursor, timeout: 1)
        #expect(quiet.events.isEmpty)
        try await eventually("the subscription to linger") { server.server.lingeringPolls.count == 1 }
        server.server.hub.resync()
        try await eventually("the ended subscription dropped") { server.server.lingeringPolls.count == 0 }
        #expect(server.server.hub.subscriptionCount(user: "alice") == 0)
        let post = try await server.api("bob").createPost(text: "after the resync")
        let next = try await alice.poll(cursor: cursor, timeout: 50)
        #expect(next.events.map(\.postId) == [post.id])
        #expect(try await server.metricsText().contains("moments_longpolls_resumed_total 0"))
        try await server.stop()
    }

    @Test("a subscription nobody comes back for is closed after the linger")
    func expires() async throws {
        let hub = PushHub()
        let lingering = LingeringPolls(linger: .milliseconds(200))
        let inbox = StreamInbox(hub: hub, user: "alice", cursor: 7, limits: StreamLimits(capacity: 100))
        inbox.caughtUp(generation: inbox.beginCatchUp())
        lingering.keep(inbox, user: "alice", epoch: "e")
        #expect(lingering.take(user: "alice", cursor: 7, epoch: "other") == nil)
        #expect(hub.subscriptionCount(user: "alice") == 1)
        try await eventually("the linger to pass") { lingering.count == 0 && hub.subscriptionCount == 0 }
        #expect(lingering.take(user: "alice", cursor: 7, epoch: "e") == nil)
    }
}
