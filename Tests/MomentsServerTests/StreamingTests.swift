import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

@Suite("Streaming transports: Server-Sent Events and iframe")
struct StreamingTests {
    static func decodeEvent(_ frame: SSEFrame) throws -> Event {
        try WireCoding.makeDecoder().decode(Event.self, from: Data(try #require(frame.data).utf8))
    }

    /// Frames of notifications: not the friends' posts, which the stream carries and the
    /// notifications list leaves out.
    static func eventFrames(_ text: String) -> [SSEFrame] {
        SSEFrame.parse(text).filter { $0.id != nil && $0.event != "post" }
    }

    @Test("SSE: hello, the backlog after the cursor, then live events as id/event/data frames")
    func sseFraming() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let token = try await server.token("alice")
        let backlog = try await alice.notifications().notifications.map(\.id).sorted()
        let cursor = try #require(backlog.first)

        let stream = try await TestStream.open(server, "/api/sse?cursor=\(cursor)&token=\(token)")
        #expect(stream.status == 200)
        #expect(stream.contentType == "text/event-stream; charset=utf-8")
        #expect(stream.headers["cache-control"] == "no-cache")
        let replayed = try await stream.until("the backlog") { Self.eventFrames($0).count == backlog.count - 1 }
        let frames = SSEFrame.parse(replayed)
        #expect(frames.first?.retry == "1000")
        let hello = try #require(frames.first { $0.event == "hello" })
        #expect(
            try WireCoding.makeDecoder().decode(Hello.self, from: Data(try #require(hello.data).utf8)).cursor == cursor)
        let replay = try Self.eventFrames(replayed).map(Self.decodeEvent)
        #expect(replay.map(\.id) == Array(backlog.dropFirst()))

        let post = try await alice.createPost(text: "SSE 测试：第一行\n第二行")
        _ = try await server.api("bob").comment(postId: post.id, text: "line one\nline two\n\ndata: forged")
        let live = try await stream.until("the live comment") { Self.eventFrames($0).count == backlog.count }
        let frame = try #require(Self.eventFrames(live).last)
        let event = try Self.decodeEvent(frame)
        #expect(frame.id == String(event.id))
        #expect(frame.event == "comment")
        // Newlines in user text stay inside the JSON string: one data line, no forged frame.
        #expect(event.text == "line one\nline two\n\ndata: forged")
        #expect(event.postExcerpt == "SSE 测试：第一行\n第二行")
        stream.cancel()
        try await server.stop()
    }

    @Test("SSE: Last-Event-ID resumes with nothing lost or repeated; an explicit cursor wins over it")
    func sseResume() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let token = try await server.token("alice")
        let post = try await alice.createPost(text: "resume me")
        let first = try await TestStream.open(server, "/api/sse?token=\(token)")
        try await first.until("hello") { $0.contains("event: hello") }
        for user in ["bob", "carol"] { _ = try await server.api(user).like(postId: post.id) }
        let seen = try Self.eventFrames(try await first.until("two likes") { Self.eventFrames($0).count == 2 })
            .map(Self.decodeEvent)
        first.cancel()

        // Missed while disconnected.
        _ = try await server.api("dave").like(postId: post.id)
        _ = try await server.api("bob").comment(postId: post.id, text: "还在吗")
        let lastSeen = try #require(seen.last?.id)
        let resumed = try await TestStream.open(
            server, "/api/sse?token=\(token)", headers: [("Last-Event-ID", "\(lastSeen)")])
        let again = try Self.eventFrames(
            try await resumed.until("the two missed events") { Self.eventFrames($0).count >= 2 }
        )
        .map(Self.decodeEvent)
        #expect(again.map(\.actor?.id) == ["dave", "bob"])
        #expect(Set(again.map(\.id)).isDisjoint(with: seen.map(\.id)))
        #expect(again.allSatisfy { $0.id > lastSeen })
        resumed.cancel()

        let explicit = try await TestStream.open(
            server, "/api/sse?token=\(token)&cursor=\(try #require(seen.first?.id))",
            headers: [("Last-Event-ID", "\(lastSeen)")])
        let fromCursor = try Self.eventFrames(
            try await explicit.until("events after the cursor") { Self.eventFrames($0).count >= 3 }
        )
        .map(Self.decodeEvent)
        #expect(fromCursor.map(\.actor?.id) == ["carol", "dave", "bob"])
        explicit.cancel()

        let bad = try await rawRequest(server, .GET, "/api/sse?token=\(token)", headers: [("Last-Event-ID", "-1")])
        #expect(bad.status == 400)
        #expect(bad.error?.error.code == "bad_request")
        try await server.stop()
    }

    @Test("SSE and iframe streams get heartbeats while quiet, and an end frame at shutdown")
    func heartbeatsAndShutdown() async throws {
        let server = try await TestServer.start { $0.streamHeartbeat = .milliseconds(200) }
        let token = try await server.token("alice")
        let sse = try await TestStream.open(server, "/api/sse?token=\(token)")
        let iframe = try await TestStream.open(server, "/api/iframe?token=\(token)")
        let sseBeats = try await sse.until("two SSE heartbeats") { text in
            SSEFrame.parse(text).filter { $0.comment == "heartbeat" }.count >= 2
        }
        #expect(Self.eventFrames(sseBeats).isEmpty)
        try await iframe.until("two iframe heartbeats") { $0.components(separatedBy: "<!-- heartbeat -->").count >= 3 }

        try await server.stop()
        let sseEnd = try await sse.until("the end frame") { text in SSEFrame.parse(text).contains { $0.event == "end" }
        }
        #expect(SSEFrame.parse(sseEnd).last == SSEFrame(event: "end", data: #"{"reason":"shutdown"}"#))
        let iframeEnd = try await iframe.until("the end script") { $0.contains("</html>") }
        #expect(iframeEnd.contains(#"parent.moments.end("shutdown")</script>"#))
    }

    @Test("iframe: one nonce script per event, and hostile text cannot leave its string")
    func iframeEscaping() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let token = try await server.token("alice")
        let stream = try await TestStream.open(server, "/api/iframe?token=\(token)")
        #expect(stream.status == 200)
        #expect(stream.contentType == "text/html; charset=utf-8")
        let policy = try #require(stream.headers["content-security-policy"])
        let nonce = try #require(policy.firstMatch(of: /'nonce-([a-z0-9]+)'/)?.1)
        #expect(policy.contains("default-src 'none'"))
        #expect(policy.contains("frame-ancestors 'self'"))
        try await stream.until("hello") { $0.contains("parent.moments.hello(") }

        let hostile = "</script><script>alert(1)</script> <!-- \u{2028}\u{2029} & </SCRIPT >"
        let post = try await alice.createPost(text: "iframe")
        let comment = try await server.api("bob").comment(postId: post.id, text: hostile)
        let page = try await stream.until("the comment") { $0.contains("parent.moments.push(") }

        // Only the server's own script elements exist: the hostile text added none.
        let scriptOpenings = page.components(separatedBy: "<script").count - 1
        #expect(scriptOpenings == page.components(separatedBy: "<script nonce=\"\(nonce)\">").count - 1)
        #expect(scriptOpenings == 2)
        #expect(!page.contains("alert(1)</script>"))
        #expect(!page.lowercased().contains("</script><script>alert"))
        #expect(!page.contains("\u{2028}") && !page.contains("\u{2029}"))
        #expect(page.contains(#"\u003c/script\u003e\u003cscript\u003ealert(1)"#))
        #expect(page.contains(#"\u2028\u2029 \u0026"#))

        // What the script hands to the page is exactly the comment as stored.
        let call = try #require(page.firstMatch(of: /parent\.moments\.push\((.*)\)<\/script>/)?.1)
        let event = try WireCoding.makeDecoder().decode(Event.self, from: Data(call.utf8))
        #expect(event.text == hostile)
        #expect(event.commentId == comment.id)
        stream.cancel()
        try await server.stop()
    }

    @Test("SSE and iframe refuse missing and forged tokens with 401 and the error shape")
    func streamingAuth() async throws {
        let server = try await TestServer.start()
        for route in ["/api/sse", "/api/iframe"] {
            for token in [nil, "forged"] {
                let answer = try await rawRequest(server, .GET, route + (token.map { "?token=\($0)" } ?? ""))
                #expect(answer.status == 401, "\(route) with \(token ?? "no token")")
                #expect(answer.error?.error.code == "unauthorized")
            }
            let badCursor = try await rawRequest(
                server, .GET, "\(route)?cursor=-5", token: try await server.token("bob"))
            #expect(badCursor.status == 400)
        }
        try await server.stop()
    }
}
