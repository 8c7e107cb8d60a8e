import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// Two real `moments-server` nodes on one PostgreSQL database.
@Suite(
    "two nodes on PostgreSQL", .serialized,
    .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
struct ClusterTests {
    @Test(
        "a like through node 2 reaches alice's socket on node 1; a long-poll on node 2 wakes for node 1; after kill -9 of node 1, alice resumes on node 2 with nothing lost or twice"
    )
    func twoNodes() async throws {
        let database = try await TestPostgres.createDatabase()
        let node1 = try await ServerProcess(["--postgres", database])
        defer { node1.stop() }
        let node2 = try await ServerProcess(["--postgres", database])
        defer { node2.stop() }
        // Tokens are signed with the secret kept in the database: node 2's work on node 1.
        let aliceToken = try #require(node2.tokens["alice"])
        let alice1 = MomentsAPI(server: node1.url, token: aliceToken)
        let alice2 = MomentsAPI(server: node2.url, token: aliceToken)
        let bob2 = MomentsAPI(server: node2.url, token: try #require(node2.tokens["bob"]))
        let carol1 = MomentsAPI(server: node1.url, token: try #require(node1.tokens["carol"]))
        let dave2 = MomentsAPI(server: node2.url, token: try #require(node2.tokens["dave"]))

        // alice on node 1 by WebSocket; bob likes through node 2.
        let connection = PushConnection(
            api: alice1, after: try await alice1.me().cursor, options: PushRecorder.fastOptions())
        let received = PushRecorder(connection)
        _ = try await eventually("alice's WebSocket on node 1") { received.states.last == .webSocket ? true : nil }
        let post = try await alice1.createPost(text: "两个节点")
        _ = try await bob2.like(postId: post.id)
        _ = try await eventually("bob's like on node 1") { received.events.count == 1 ? true : nil }
        #expect(received.events[0].actor?.id == "bob")

        // alice's long-poll on node 2 wakes on a comment made through node 1.
        let cursor = try await alice2.me().cursor
        async let poll = alice2.poll(cursor: cursor, timeout: 20)
        try await Task.sleep(for: .milliseconds(300))  // let the poll park first
        let comment = try await carol1.comment(postId: post.id, text: "从节点一来的评论")
        let woken = try await poll
        #expect(woken.events.map(\.commentId) == [comment.id])
        _ = try await eventually("the comment on node 1's socket too") { received.events.count == 2 ? true : nil }

        // Node 1 dies with alice connected; events keep committing through node 2.
        node1.crash()
        _ = try await dave2.like(postId: post.id)
        _ = try await bob2.comment(postId: post.id, text: "节点一挂了")
        _ = try await eventually("alice's client to notice") {
            received.states.contains { if case .reconnecting = $0 { true } else { false } } ? true : nil
        }
        received.stop()
        // The client moves to node 2 with the cursor it had applied.
        let resumed = PushRecorder(
            PushConnection(api: alice2, after: connection.lastEventId, options: PushRecorder.fastOptions()))
        _ = try await eventually("the two events committed meanwhile") { resumed.events.count >= 2 ? true : nil }
        try await Task.sleep(for: .milliseconds(300))
        let all = received.events + resumed.events
        #expect(all.map(\.actor?.id) == ["bob", "carol", "dave", "bob"])
        #expect(Set(all.map(\.id)).count == all.count, "an event arrived twice")
        #expect(all.map(\.id) == all.map(\.id).sorted())
        #expect(try await alice2.me().cursor == all.last?.id)
        resumed.stop()
    }
}
