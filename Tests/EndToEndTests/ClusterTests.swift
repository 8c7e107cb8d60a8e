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
        let aliceToken = try node2.token("alice")
        let alice1 = MomentsAPI(server: node1.url, token: aliceToken)
        let alice2 = MomentsAPI(server: node2.url, token: aliceToken)
        let bob2 = try node2.api("bob")
        let carol1 = try node1.api("carol")
        let dave2 = try node2.api("dave")

        // alice on node 1 by WebSocket, her client knowing both nodes; bob likes through node 2.
        let aliceBoth = MomentsAPI(servers: [node1.url, node2.url], token: aliceToken)
        let connection = PushConnection(
            api: aliceBoth, after: try await alice1.me().cursor, options: PushRecorder.fastOptions())
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
        // The client moves to node 2 by itself, with the cursor it had applied.
        _ = try await eventually("the two events committed meanwhile, through node 2") {
            received.events.count >= 4 ? true : nil
        }
        #expect(aliceBoth.server == node2.url)
        #expect(received.states.last == .webSocket)
        try await Task.sleep(for: .milliseconds(300))
        let all = received.events
        #expect(all.map(\.actor?.id) == ["bob", "carol", "dave", "bob"])
        #expect(Set(all.map(\.id)).count == all.count, "an event arrived twice")
        #expect(all.map(\.id) == all.map(\.id).sorted())
        #expect(try await alice2.me().cursor == all.last?.id)
        received.stop()
    }

    @Test("moments-tui with both nodes as --server keeps working when the first is killed")
    func tuiFailover() async throws {
        let database = try await TestPostgres.createDatabase()
        let node1 = try await ServerProcess(["--postgres", database])
        defer { node1.stop() }
        let node2 = try await ServerProcess(["--postgres", database])
        defer { node2.stop() }
        let aliceToken = try node1.token("alice")
        let alice2 = MomentsAPI(server: node2.url, token: aliceToken)
        let bob2 = try node2.api("bob")
        let unread = try await alice2.me().unread
        let post = try #require(try await alice2.feed().posts.first { $0.author.id == "alice" })

        let tui = try Binaries.path("moments-tui")
        let session = try TmuxSession(
            command: "\(tui) --token \(aliceToken) --server \(node1.url.absoluteString),\(node2.url.absoluteString)")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed over a WebSocket on node 1") {
            $0.contains("● websocket") && $0.contains("● \(unread)")
        }
        node1.crash()
        _ = try await bob2.comment(postId: post.id, text: "换到节点二")
        _ = try await session.waitForScreen("bob's comment through node 2, the badge at \(unread + 1)") {
            $0.split(separator: "\n").first?.contains("● \(unread + 1)") == true && $0.contains("● websocket")
        }
        // Acting goes to node 2 as well: `l` on the selected (first) post toggles alice's like there.
        let first = try #require(try await alice2.feed().posts.first)
        let liked = first.likers.contains { $0.id == "alice" }
        try session.keys("l")
        _ = try await eventually("alice's like toggled through node 2") {
            let now = try await alice2.feed().posts.first { $0.id == first.id }
            return now.map { $0.likers.contains { $0.id == "alice" } != liked } == true ? true : nil
        }
        try session.keys("q")
        try await session.expectCleanExit()
    }
}
