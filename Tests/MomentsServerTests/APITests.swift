import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOCore
import NIOHTTP1
import Testing
import WSClient

@testable import MomentsTestSupport

/// Records an issue unless `operation` fails with exactly this status and error code.
func expectAPIError(
    _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Void
) async throws {
    do {
        try await operation()
        Issue.record("expected \(status) \(code), got success", sourceLocation: sourceLocation)
    } catch ClientError.api(let actualStatus, let actualCode, _) {
        #expect(actualStatus == status, sourceLocation: sourceLocation)
        #expect(actualCode == code, sourceLocation: sourceLocation)
    }
}

@Suite("REST API")
struct APITests {
    @Test("missing, malformed, forged and expired tokens get 401 with the error shape")
    func unauthorized() async throws {
        let server = try await TestServer.start()
        let otherSecretToken =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjo0MTAwMDAwMDAwfQ.c2lnbmVkLXdpdGgtYW5vdGhlci1zZWNyZXQ"
        let expired = try await server.server.tokens.issue(
            user: "alice", ttl: .seconds(60), now: Date().addingTimeInterval(-3600))
        for token in [nil, "garbage", otherSecretToken, expired] {
            let answer = try await rawRequest(server, .GET, "/api/me", token: token)
            #expect(answer.status == 401)
            #expect(answer.error?.error.code == "unauthorized")
        }
        let viaQuery = try await rawRequest(server, .GET, "/api/me?token=\(try await server.token("alice"))")
        #expect(viaQuery.status == 200)
        let wrongMethod = try await rawRequest(server, .PUT, "/api/me", token: try await server.token("alice"))
        #expect(wrongMethod.status == 404)
        #expect(wrongMethod.error?.error.code == "not_found")
        try await server.stop()
    }

    @Test("a WebSocket upgrade with a bad token is answered 401 before any upgrade")
    func unauthorizedBeforeUpgrade() async throws {
        let server = try await TestServer.start()
        let upgrade = [
            ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
            ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ]
        let answer = try await rawRequest(server, .GET, "/api/ws", token: "forged", headers: upgrade)
        #expect(answer.status == 401)
        #expect(answer.error?.error.code == "unauthorized")

        let socket = TestSocket(port: server.port, token: "forged")
        await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) { try await socket.closed() }
        let plain = try await rawRequest(server, .GET, "/api/ws", token: try await server.token("alice"))
        #expect(plain.status == 426)
        #expect(plain.error?.error.code == "upgrade_required")
        try await server.stop()

        let noWebSocket = try await TestServer.start { $0.webSocketEnabled = false }
        let refused = try await rawRequest(
            noWebSocket, .GET, "/api/ws", token: try await noWebSocket.token("alice"), headers: upgrade)
        #expect(refused.status == 503)
        #expect(refused.error?.error.code == "websocket_unavailable")
        try await noWebSocket.stop()
    }

    @Test("liking or commenting a post you cannot see is 404, and nothing is stored")
    func invisiblePost() async throws {
        let server = try await TestServer.start()
        try await server.server.store.saveUser(id: "eve", name: "Eve")  // nobody's friend
        let post = try await server.api("alice").createPost(text: "friends only")
        let eve = try await server.api("eve")
        try await expectAPIError(404, "not_found") { _ = try await eve.like(postId: post.id) }
        try await expectAPIError(404, "not_found") { _ = try await eve.comment(postId: post.id, text: "hi") }
        try await expectAPIError(404, "not_found") { _ = try await eve.like(postId: 999_999) }
        #expect(try await eve.feed().posts.isEmpty)
        let seen = try await server.api("alice").feed().posts.first { $0.id == post.id }
        #expect(seen?.likeCount == 0)
        #expect(seen?.comments.isEmpty == true)
        try await server.stop()
    }

    @Test("bad bodies and bad parameters are 400 (413 when too large) and store nothing")
    func badInput() async throws {
        let server = try await TestServer.start()
        let token = try await server.token("bob")
        let before = try await server.api("bob").feed(limit: 100).posts.count
        let long = String(repeating: "长", count: 2001)
        let bodies: [[UInt8]] = [
            Array(#"{"text": ""}"#.utf8), Array(#"{"text": "   \n "}"#.utf8), Array(#"{"txt": "x"}"#.utf8),
            Array("not json".utf8), Array(#"{"text": "nul \u0000 inside"}"#.utf8),
            Array(#"{"text": "\#(long)"}"#.utf8),
            [0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D],
        ]
        for body in bodies {
            let answer = try await rawRequest(server, .POST, "/api/posts", token: token, body: body)
            #expect(answer.status == 400, "body \(String(decoding: body.prefix(40), as: UTF8.self))")
            #expect(answer.error?.error.code == "bad_request")
        }
        let huge = try await rawRequest(
            server, .POST, "/api/posts", token: token,
            body: Array(#"{"text": "\#(String(repeating: "x", count: 100_000))"}"#.utf8))
        #expect(huge.status == 413)
        #expect(huge.error?.error.code == "payload_too_large")
        for path in ["/api/posts/abc/likes", "/api/posts/-3/likes", "/api/posts/99999999999999999999999/likes"] {
            let answer = try await rawRequest(server, .POST, path, token: token)
            #expect(answer.status == 400, "\(path)")
        }
        for path in ["/api/feed?limit=0", "/api/feed?limit=x", "/api/poll?cursor=-1", "/api/notifications?before=abc"] {
            let answer = try await rawRequest(server, .GET, path, token: token)
            #expect(answer.status == 400, "\(path)")
            #expect(answer.error?.error.code == "bad_request")
        }
        #expect(try await server.api("bob").feed(limit: 100).posts.count == before)
        let exact = String(repeating: "长", count: 2000)
        #expect(try await server.api("bob").createPost(text: exact).text == exact)
        try await server.stop()
    }

    @Test("likes are idempotent; unlike retracts the unread like but keeps history")
    func likeUnlike() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let unreadBefore = try await alice.me().unread
        let post = try await alice.createPost(text: "like me twice")
        #expect(try await bob.like(postId: post.id).likeCount == 1)
        let again = try await bob.like(postId: post.id)
        #expect(again.likeCount == 1)
        #expect(again.likedByMe)
        #expect(try await alice.me().unread == unreadBefore + 1)

        let unliked = try await bob.unlike(postId: post.id)
        #expect(unliked.likeCount == 0)
        #expect(!unliked.likedByMe)
        _ = try await bob.unlike(postId: post.id)
        let page = try await alice.notifications(limit: 2)
        #expect(page.unread == unreadBefore)
        #expect(page.notifications.map(\.event.type) == [.unlike, .like])
        #expect(page.notifications.allSatisfy { $0.read })
        try await server.stop()
    }

    @Test("a comment notifies the author and earlier commenters, never the commenter")
    func commentRecipients() async throws {
        let server = try await TestServer.start()
        let post = try await server.api("alice").createPost(text: "讨论")
        _ = try await server.api("bob").comment(postId: post.id, text: "first")
        let bobCursor = try await server.api("bob").me().cursor
        let daveCursor = try await server.api("dave").me().cursor
        _ = try await server.api("dave").comment(postId: post.id, text: "second")

        let bobEvents = try await server.api("bob").poll(cursor: bobCursor, timeout: 0).events
        #expect(bobEvents.map(\.text) == ["second"])
        #expect(try await server.api("dave").poll(cursor: daveCursor, timeout: 0).events.isEmpty)
        let aliceTexts = try await server.api("alice").notifications(limit: 2).notifications.map(\.event.text)
        #expect(aliceTexts == ["second", "first"])
        try await server.stop()
    }

    @Test("feed: newest first, paged with before, with likers and comments")
    func feedPaging() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let first = try await alice.feed(limit: 2)
        #expect(first.posts.count == 2)
        #expect(first.posts[0].id > first.posts[1].id)
        let rest = try await alice.feed(before: first.nextBefore, limit: 100)
        #expect(rest.nextBefore == nil)
        #expect(rest.posts.allSatisfy { $0.id < first.posts[1].id })
        let all = first.posts + rest.posts
        let hike = try #require(all.first { $0.text.hasPrefix("周末去爬山") })
        #expect(hike.likers.map(\.id) == ["dave", "alice"])
        #expect(hike.likedByMe)
        #expect(hike.comments.map(\.text) == ["好美！下次带上我"])
        try await server.stop()
    }

    @Test("marking read clears the unread count up to the given id")
    func markRead() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let page = try await alice.notifications()
        #expect(page.unread > 1)
        let oldest = try #require(page.notifications.last)
        #expect(try await alice.markRead(upTo: oldest.id).unread == page.unread - 1)
        #expect(try await alice.markRead(upTo: page.cursor).unread == 0)
        #expect(try await alice.me().unread == 0)
        try await server.stop()
    }

    @Test("a restart on the same data dir keeps posts, notifications and tokens")
    func restartKeepsEverything() async throws {
        let first = try await TestServer.start()
        let token = try await first.token("alice")
        let post = try await MomentsAPI(server: first.url, token: token).createPost(text: "重启之后还在吗？")
        _ = try await first.api("bob").like(postId: post.id)
        let before = try await MomentsAPI(server: first.url, token: token).notifications()
        try await first.stop()

        let second = try await TestServer.start(dataDir: first.dataDir)
        let alice = MomentsAPI(server: second.url, token: token)  // the old token still works
        #expect(try await alice.feed().posts.first?.text == "重启之后还在吗？")
        let after = try await alice.notifications()
        #expect(after == before)
        try await second.stop()
    }
}
