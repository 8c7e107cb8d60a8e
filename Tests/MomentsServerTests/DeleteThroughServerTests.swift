import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOHTTP1
import Testing

@testable import MomentsTestSupport

/// Deletes, replies, mentions and grouped notifications through the real server: the answers
/// of the routes, and every push transport telling a deleted comment after the comment.
/// alice is friends with bob and with carol; bob and carol are strangers.
@Suite("Deletes through the server: routes and every transport")
struct DeleteThroughServerTests {
    typealias Live = LeakMatrixTests.Live

    /// The types of the frames about `commentId` in `text`, in the order they came. Keys are
    /// sorted, so a frame's `type` is the first after its `comment_id`.
    static func types(about commentId: Int64, in text: String) -> [String] {
        text.ranges(of: "\"comment_id\":\(commentId),").compactMap { range in
            text[range.upperBound...].firstRange(of: "\"type\":\"").map { type in
                String(text[type.upperBound...].prefix { $0 != "\"" })
            }
        }
    }

    /// Each transport's text holds the comment, then its retraction, once each.
    static func toldInOrder(_ parts: [String], _ commentId: Int64) -> Bool {
        parts.allSatisfy { types(about: commentId, in: $0) == ["comment", "comment_deleted"] }
    }

    @Test(
        "a comment and its comment_deleted, in order, live and replayed from 0 on every transport; a stranger gets neither"
    )
    func everyTransport() async throws {
        let server = try await LeakMatrixTests.world()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let post = try await alice.createPost(text: "dumplings tonight")

        let aliceLive = try await Live.open(server, "alice", cursor: try await LeakMatrixTests.cursor(server, "alice"))
        let carolLive = try await Live.open(server, "carol", cursor: try await LeakMatrixTests.cursor(server, "carol"))
        let comment = try await bob.comment(postId: post.id, text: "TYPO-COMMENT")
        try await bob.deleteComment(postId: post.id, commentId: comment.id)
        // A post reaches every friend's stream: what carol waits for.
        _ = try await alice.createPost(text: "MARKER after the delete")

        let live = try await aliceLive.parts("the retraction") { $0.contains("comment_deleted") }
        #expect(live.count == 4 && Self.toldInOrder(live, comment.id), "alice, live:\n\(live.joined(separator: "\n"))")
        let replay = try await Live.open(server, "alice", cursor: 0).parts("the replay") {
            $0.contains("comment_deleted")
        }
        #expect(Self.toldInOrder(replay, comment.id), "alice, from 0:\n\(replay.joined(separator: "\n"))")
        #expect(!replay.joined().contains("TYPO-COMMENT"), "the words are erased from the stream")

        // carol may see the post, not bob's comment: told neither, live or replayed.
        let carolSaw =
            try await carolLive.until("alice's marker") { $0.contains("MARKER after the delete") }
            + (try await Live.open(server, "carol", cursor: 0).until("carol's replay") {
                $0.contains("MARKER after the delete")
            })
        #expect(
            !carolSaw.contains("\"comment_id\":\(comment.id),") && !carolSaw.contains("TYPO"),
            "carol learnt of bob's comment:\n\(carolSaw)")
        // At rest, nothing of it anywhere: alice's notifications, the feed, the post.
        let rest = try await LeakMatrixTests.atRest(server, "alice")
        #expect(!rest.contains("TYPO-COMMENT"), "still shown:\n\(rest)")
        try await server.stop()
    }

    @Test("the routes: 204, 204 again, 404 for anyone else; a kept answer of what was deleted is 410")
    func routes() async throws {
        let server = try await LeakMatrixTests.world()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let post = try await alice.createPost(text: "饺子")
        let key = "comment-key-1"
        let comment = try await bob.comment(postId: post.id, text: "SECRET typo", idempotencyKey: key)
        let path = "/api/posts/\(post.id)/comments/\(comment.id)"

        for (user, expected) in [("carol", 404), ("bob", 204), ("bob", 204), ("alice", 204), ("carol", 404)] {
            let answer = try await rawRequest(server, .DELETE, path, token: try await server.token(user))
            #expect(answer.status == expected, "\(user) DELETE \(path)")
            if expected == 404 { #expect(answer.error?.error.code == "not_found") }
        }
        // Sent again under its key, the comment is not made again: its answer says it is gone.
        let repeated = try await rawRequest(
            server, .POST, "/api/posts/\(post.id)/comments", token: try await server.token("bob"),
            body: Array(#"{"text":"SECRET typo"}"#.utf8), headers: [("Idempotency-Key", key)])
        #expect(repeated.status == 410 && repeated.error?.error.code == "deleted")
        #expect(try await alice.post(post.id).comments.isEmpty)

        // Bad ids, a reply to what is gone, a mention of a stranger.
        let bad = try await rawRequest(
            server, .DELETE, "/api/posts/\(post.id)/comments/zero", token: try await server.token("alice"))
        #expect(bad.status == 400 && bad.error?.error.code == "bad_request")
        await #expect(throws: ClientError.self) {
            try await alice.comment(postId: post.id, text: "late", replyTo: comment.id)
        }
        let mention = try await rawRequest(
            server, .POST, "/api/posts", token: try await server.token("bob"),
            body: Array(#"{"text":"x","mentions":["carol"]}"#.utf8))
        #expect(mention.status == 400 && mention.error?.error.code == "invalid_mention")

        // The post: only its author; again is the same; then nothing is left to like.
        #expect(
            try await rawRequest(server, .DELETE, "/api/posts/\(post.id)", token: try await server.token("carol"))
                .status == 404)
        try await alice.deletePost(post.id)
        try await alice.deletePost(post.id)
        #expect(
            try await rawRequest(server, .POST, "/api/posts/\(post.id)/likes", token: try await server.token("carol"))
                .status == 404)
        try await server.stop()
    }

    @Test("replies and mentions reach whom they name; the grouped list groups a post's likes")
    func repliesMentionsGroups() async throws {
        let server = try await LeakMatrixTests.world()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let carol = try await server.api("carol")
        let post = try await alice.createPost(text: "今天包了饺子", mentions: ["bob"])
        #expect(try await bob.notifications().notifications.map(\.event.type) == [.mention])

        let bobs = try await bob.comment(postId: post.id, text: "我要来")
        let reply = try await alice.comment(postId: post.id, text: "来吧", replyTo: bobs.id)
        #expect(reply.replyTo == ReplyTo(commentId: bobs.id, user: UserSummary(id: "bob", name: "Bob")))
        let told = try #require(try await bob.notifications().notifications.first)
        #expect(told.event.type == .comment && told.event.replyTo?.user.id == "bob" && told.event.text == "来吧")
        #expect(try await carol.post(post.id).comments.isEmpty, "carol is a stranger to bob: no reply to him shown")

        _ = try await bob.like(postId: post.id)
        _ = try await carol.like(postId: post.id)
        let grouped = try await alice.notificationGroups()
        #expect(grouped.groups.map(\.type) == [.like, .comment], "\(grouped.groups)")
        #expect(grouped.groups[0].count == 2 && grouped.groups[0].actors.map(\.id) == ["carol", "bob"])
        #expect(grouped.groups[0].postExcerpt == "今天包了饺子" && grouped.unread == 3)
        let bad = try await rawRequest(
            server, .GET, "/api/notifications?grouped=yes", token: try await server.token("alice"))
        #expect(bad.status == 400)
        try await server.stop()
    }
}

extension LeakMatrixTests.Live {
    /// What each transport received until `done` held for it: long-polls, the WebSocket, SSE,
    /// the iframe, in that order.
    func parts(_ what: String, _ done: @escaping @Sendable (String) -> Bool) async throws -> [String] {
        let marker = "\u{1}"
        return try await until(what, done, joiningWith: marker).components(separatedBy: marker)
    }
}
