import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// A client resuming from a cursor the server no longer keeps, or from another history, is
/// told so on every transport — and still gets everything kept after its cursor.
@Suite("History gaps on every transport")
struct HistoryGapTests {
    /// A demo server whose whole history so far has been pruned, then two comments of bob's on
    /// alice's newest post: answers the server, the history, and alice's kept events.
    static func prunedServer() async throws -> (TestServer, StreamHistory, [Int64]) {
        let server = try await TestServer.start()
        let store = server.server.store
        _ = try await store.pruneEvents(olderThan: Date().addingTimeInterval(60), limit: 1_000_000)
        let alice = try await server.api("alice")
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        let bob = try await server.api("bob")
        for text in ["一", "二"] { _ = try await bob.comment(postId: post.id, text: text) }
        let kept = try await store.events(user: "alice", after: 0, limit: 100).map(\.id)
        #expect(kept.count == 2)
        let history = try await store.history(user: "alice")
        #expect(history.userPrunedThrough > 0 && kept.allSatisfy { $0 > history.prunedThrough })
        return (server, history, kept)
    }

    @Test("poll and long-poll from an expired cursor: gap, the oldest kept id, and every kept event")
    func poll() async throws {
        let (server, history, kept) = try await Self.prunedServer()
        defer { Task { try await server.stop() } }
        let alice = try await server.api("alice")
        for timeout in [0, 5] {
            let answer = try await alice.poll(cursor: 0, epoch: history.epoch, timeout: timeout)
            #expect(answer.gap == true)
            #expect(answer.oldest == history.userPrunedThrough + 1)
            #expect(answer.epoch == history.epoch)
            #expect(answer.events.map(\.id) == kept)
        }
        // From where pruning stopped: nothing missing, no gap.
        let clean = try await alice.poll(cursor: history.userPrunedThrough, timeout: 0)
        #expect(clean.gap == nil && clean.oldest == nil)
        #expect(clean.events.map(\.id) == kept)
    }

    @Test("WebSocket, SSE and iframe from an expired cursor: a hello with the gap, then every kept event")
    func streams() async throws {
        let (server, history, kept) = try await Self.prunedServer()
        defer { Task { try await server.stop() } }
        let token = try await server.token("alice")

        let socket = TestSocket(port: server.port, token: token, cursor: 1)
        let hello = try await socket.hello()
        #expect(hello.gap == true && hello.oldest == history.userPrunedThrough + 1)
        #expect(hello.epoch == history.epoch && hello.cursor == 1)
        for id in kept { #expect(try await socket.event().id == id) }
        socket.cancel()

        let sse = try await TestStream.open(server, "/api/sse?cursor=1&token=\(token)")
        let text = try await sse.until("the kept events") { text in
            SSEFrame.parse(text).filter { $0.id != nil }.count == kept.count
        }
        let frames = SSEFrame.parse(text)
        let sseHello = try WireCoding.makeDecoder().decode(
            Hello.self, from: Data(try #require(frames.first { $0.event == "hello" }?.data).utf8))
        #expect(sseHello.gap == true && sseHello.oldest == history.userPrunedThrough + 1)
        #expect(frames.compactMap(\.id) == kept.map(String.init))
        sse.cancel()

        let iframe = try await TestStream.open(server, "/api/iframe?cursor=1&token=\(token)")
        let page = try await iframe.until("the kept events") { $0.components(separatedBy: "moments.push(").count > 2 }
        #expect(page.contains(#""gap":true"#) && page.contains(#""oldest":\#(history.userPrunedThrough + 1)"#))
        iframe.cancel()
    }

    @Test("another epoch, or a cursor past the newest id: a gap, and the stream starts from now")
    func anotherHistory() async throws {
        let (server, history, kept) = try await Self.prunedServer()
        defer { Task { try await server.stop() } }
        let alice = try await server.api("alice")
        let newest = try #require(kept.last)

        let restored = try await alice.poll(cursor: 3, epoch: "0123456789abcdef", timeout: 0)
        #expect(restored.gap == true && restored.events.isEmpty && restored.cursor == newest)
        #expect(restored.epoch == history.epoch)
        let ahead = try await alice.poll(cursor: history.newest + 1000, timeout: 0)
        #expect(ahead.gap == true && ahead.events.isEmpty && ahead.cursor == newest)

        let socket = TestSocket(
            port: server.port, token: try await server.token("alice"), cursor: 3, query: "epoch=0123456789abcdef")
        let hello = try await socket.hello()
        #expect(hello.gap == true && hello.cursor == newest && hello.epoch == history.epoch)
        // What happens from now on arrives.
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        let comment = try await server.api("carol").comment(postId: post.id, text: "new history")
        #expect(try await socket.event().commentId == comment.id)
        socket.cancel()
    }

    @Test("a node with a short retention prunes by itself; a client from before gets the gap")
    func retentionRuns() async throws {
        let server = try await TestServer.start { $0.eventRetention = .seconds(1) }
        defer { Task { try await server.stop() } }
        let alice = try await server.api("alice")
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        _ = try await server.api("bob").comment(postId: post.id, text: "soon gone")
        let store = server.server.store
        let history = try await eventually("the comment's event pruned") { () -> StreamHistory? in
            try await store.events(user: "alice", after: 0, limit: 10).isEmpty
                ? try await store.history(user: "alice") : nil
        }
        let answer = try await alice.poll(cursor: 0, timeout: 0)
        #expect(answer.gap == true && answer.oldest == history.userPrunedThrough + 1)
        // Nothing unread is left: it all expired.
        #expect(try await alice.me().unread == 0)
        #expect(try await alice.me().cursor >= history.userPrunedThrough)
    }

    @Test("a malformed epoch is a 400 naming it")
    func malformedEpoch() async throws {
        let server = try await TestServer.start()
        defer { Task { try await server.stop() } }
        let alice = try await server.api("alice")
        await #expect(throws: ClientError.self) { try await alice.poll(cursor: 1, epoch: "not an epoch!", timeout: 0) }
        let answer = try await rawRequest(
            server, .GET, "/api/poll?timeout=0&epoch=%3Cscript%3E", token: try await server.token("alice"))
        #expect(answer.status == 400)
        #expect(answer.error?.error.code == "bad_request")
        #expect(answer.error?.error.message.contains("epoch must be 1 to 64 letters and digits") == true)
    }

    @Test("MomentsClient: a resume from another epoch reports a reset, and the new epoch; events after it arrive")
    func clientReset() async throws {
        let (server, history, _) = try await Self.prunedServer()
        defer { Task { try await server.stop() } }
        let alice = try await server.api("alice")
        for mode in [TransportMode.websocket, .longpoll] {
            let recorder = PushRecorder(
                PushConnection(
                    api: alice, after: 99_999, epoch: "0123456789abcdef", options: PushRecorder.fastOptions(mode)))
            try await recorder.wait(for: "a reset and the epoch (\(mode))") { recorder in
                recorder.updates.contains(.gap(.reset)) && recorder.updates.contains(.epoch(history.epoch))
            }
            let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
            let comment = try await server.api("bob").comment(postId: post.id, text: "after the reset \(mode)")
            try await recorder.wait(for: "the comment after the reset (\(mode))") { recorder in
                recorder.events.contains { $0.commentId == comment.id }
            }
            recorder.stop()
        }
    }
}
