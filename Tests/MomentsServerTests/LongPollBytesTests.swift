import Foundation
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// A parked long-poll is answered from the bytes the hub encoded once for every transport;
/// a poll that finds its events already stored is answered from a store read. The two must be
/// the same answer, byte for byte, on both stores (on PostgreSQL the hub's events come from
/// the cross-node fan-out read, a different query from a stream page).
@Suite("long-poll: the hub's bytes and the store's")
struct LongPollBytesTests {
    @Test(
        "a long-poll woken by a like and by a comment answers exactly what a poll reading the store answers",
        arguments: IdempotencyTests.Backend.available)
    func wokenEqualsStored(_ backend: IdempotencyTests.Backend) async throws {
        let server = try await backend.start()
        let alice = try await server.api("alice")
        let post = try await alice.createPost(text: "字节 \"quoted\" \\ <b>")
        let token = try await server.token("alice")
        for (actor, write) in [
            ("bob", { () async throws in _ = try await server.api("bob").like(postId: post.id) }),
            (
                "carol",
                { () async throws in _ = try await server.api("carol").comment(postId: post.id, text: "评论 \u{1F600}") }
            ),
        ] {
            let cursor = try await alice.me().cursor
            async let woken = IdempotencyTests.send(
                server, .GET, "/api/poll?cursor=\(cursor)&timeout=50", token: token, key: nil)
            try await eventually("the long-poll to park") { server.server.hub.subscriptionCount(user: "alice") == 1 }
            try await write()
            let fromHub = try await woken
            let fromStore = try await IdempotencyTests.send(
                server, .GET, "/api/poll?cursor=\(cursor)&timeout=0", token: token, key: nil)
            #expect(fromHub.status == 200 && fromHub.body.contains(#""id":"\#(actor)""#), "\(fromHub.body)")
            #expect(fromHub.body == fromStore.body)
        }
        try await server.stop()
    }
}
