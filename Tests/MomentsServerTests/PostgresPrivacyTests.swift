import Foundation
import MomentsClient
import MomentsCore
import MomentsServer
import MomentsStore
import Testing

@testable import MomentsTestSupport

/// Privacy across nodes: two in-process nodes on one PostgreSQL database.
@Suite(
    "Privacy over PostgreSQL, two nodes",
    .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason))
)
struct PostgresPrivacyTests {
    @Test("a friendship ended on node 1 stops carol's comments reaching bob's socket on node 2")
    func endedOnAnotherNode() async throws {
        let url = try await TestPostgres.createDatabase()
        let one = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let two = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let (carolOnOne, bobOnTwo) = (try await one.api("carol"), try await two.api("bob"))
        let aliceOnOne = try await one.api("alice")
        // Friends first (the demo's bob and carol are strangers): asked on node 2, accepted on 1.
        guard case .sent(let request) = try await bobOnTwo.requestFriend("carol") else {
            throw TestFailure("not sent")
        }
        #expect(try await carolOnOne.answerFriendRequest(request.id, accept: true))
        let post = try await aliceOnOne.createPost(text: "across nodes")
        _ = try await bobOnTwo.comment(postId: post.id, text: "bob first")

        let socket = TestSocket(
            port: two.port, token: try await two.token("bob"), cursor: try await bobOnTwo.me().cursor)
        _ = try await socket.hello()
        _ = try await carolOnOne.comment(postId: post.id, text: "while friends")
        #expect(try await socket.event().text == "while friends")

        try await carolOnOne.unfriend("bob")
        let ended = try await socket.event()
        #expect(ended.type == .unfriended && ended.user?.id == "carol")
        _ = try await carolOnOne.comment(postId: post.id, text: "after the end")
        _ = try await aliceOnOne.comment(postId: post.id, text: "marker")
        let next = try await socket.event()
        #expect(next.text == "marker" && next.actor?.id == "alice", "carol's comment reached bob: \(next)")
        let replay = try await bobOnTwo.poll(cursor: 0, timeout: 0).events
        #expect(!replay.contains { $0.actor?.id == "carol" && $0.type == .comment })
        #expect(try await bobOnTwo.post(post.id).comments.map(\.text) == ["bob first", "marker"])
        socket.cancel()
        try await two.stop()
        try await one.stop()
    }

    @Test("a picture uploaded through node 1 is served by node 2, to those who may see it, until its post is deleted")
    func pictureAcrossNodes() async throws {
        let url = try await TestPostgres.createDatabase()
        let one = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let two = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let uploaded = try await one.api("alice").uploadMedia(try TestImages.halves(width: 48, height: 24))
        let post = try await one.api("alice").createPost(
            text: "from node 1", audience: .only(["bob"]), media: [MediaAttachment(id: uploaded.id, alt: "halves")])
        // Bob reads his feed on node 2, and fetches the picture there by its address.
        let bobOnTwo = try await two.api("bob")
        let seen = try #require(try await bobOnTwo.feed().posts.first { $0.id == post.id })
        let address = try #require(seen.media.first?.largeUrl)
        let bytes = try await bobOnTwo.picture(address)
        #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]))
        // The same address on node 1: one secret for the cluster.
        #expect(try await one.api("bob").picture(address) == bytes)
        // Carol is outside the post's audience: refused by id on either node.
        for node in [one, two] {
            await #expect(throws: ClientError.self) {
                _ = try await node.api("carol").picture("/api/media/\(uploaded.id)/large")
            }
        }
        try await one.api("alice").deletePost(post.id)
        await #expect(throws: ClientError.self) { _ = try await bobOnTwo.picture(address) }
        try await two.stop()
        try await one.stop()
    }

    @Test("a comment and a post deleted on node 1 are retracted on bob's socket on node 2")
    func deletedOnAnotherNode() async throws {
        let url = try await TestPostgres.createDatabase()
        let one = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let two = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let (aliceOnOne, bobOnTwo) = (try await one.api("alice"), try await two.api("bob"))
        let post = try await aliceOnOne.createPost(text: "across nodes")
        let comment = try await aliceOnOne.comment(postId: post.id, text: "a typo")
        _ = try await bobOnTwo.comment(postId: post.id, text: "bob's")

        let socket = TestSocket(
            port: two.port, token: try await two.token("bob"), cursor: try await bobOnTwo.me().cursor)
        _ = try await socket.hello()
        try await aliceOnOne.deleteComment(postId: post.id, commentId: comment.id)
        let deleted = try await socket.event()
        #expect(deleted.type == .commentDeleted && deleted.commentId == comment.id && deleted.postId == post.id)
        #expect(try await bobOnTwo.post(post.id).comments.map(\.text) == ["bob's"])

        try await aliceOnOne.deletePost(post.id)
        let gone = try await socket.event()
        #expect(gone.type == .postDeleted && gone.postId == post.id)
        #expect(try await bobOnTwo.feed().posts.allSatisfy { $0.id != post.id })
        socket.cancel()
        try await two.stop()
        try await one.stop()
    }
}
