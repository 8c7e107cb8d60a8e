import Foundation
import MomentsClient
import MomentsCore
import Synchronization
import Testing

@testable import MomentsTestSupport

/// The real `PushConnection` against a real server: WebSocket, fallback, restart, bad token.
@Suite("PushConnection against a real server")
struct PushConnectionTests {
    typealias Recorder = PushRecorder

    @Test("events arrive over the WebSocket, once each, in order")
    func webSocket() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let recorder = Recorder(
            PushConnection(api: alice, after: try await alice.me().cursor, options: PushRecorder.fastOptions()))
        try await recorder.wait(for: "websocket") { $0.states.last == .webSocket }
        let post = try await alice.createPost(text: "push me")
        _ = try await server.api("bob").like(postId: post.id)
        _ = try await server.api("carol").comment(postId: post.id, text: "评论")
        try await recorder.wait(for: "two events") { $0.events.count == 2 }
        #expect(recorder.events.map(\.type) == [.like, .comment])
        recorder.stop()
        try await server.stop()
    }

    @Test("when the upgrade is refused the client long-polls and still gets every event")
    func fallbackToLongPolling() async throws {
        let server = try await TestServer.start { $0.webSocketEnabled = false }
        let alice = try await server.api("alice")
        let recorder = Recorder(
            PushConnection(api: alice, after: try await alice.me().cursor, options: PushRecorder.fastOptions()))
        try await recorder.wait(for: "long-polling") { $0.states.last == .longPolling }
        #expect(!recorder.states.contains(.webSocket))
        let post = try await alice.createPost(text: "poll me")
        for user in ["bob", "carol", "dave"] { _ = try await server.api(user).like(postId: post.id) }
        try await recorder.wait(for: "three likes") { $0.events.count == 3 }
        #expect(recorder.events.map(\.actor?.id) == ["bob", "carol", "dave"])
        recorder.stop()
        try await server.stop()
    }

    @Test("after falling back, the client goes back to the WebSocket once upgrades pass again; nothing lost or twice")
    func backToWebSocket() async throws {
        let server = try await TestServer.start()
        let proxy = try await FaultProxy(target: server.port, refusing: true)
        let token = try await server.token("alice")
        let alice = MomentsAPI(server: URL(string: "http://127.0.0.1:\(proxy.port)")!, token: token)
        var options = PushRecorder.fastOptions()
        options.webSocketRetry = .milliseconds(500)
        let recorder = Recorder(PushConnection(api: alice, after: try await alice.me().cursor, options: options))
        try await recorder.wait(for: "long-polling through the proxy") { $0.states.last == .longPolling }
        let post = try await alice.createPost(text: "proxy in the way")
        _ = try await server.api("bob").like(postId: post.id)
        try await recorder.wait(for: "the like over long-polling") { $0.events.count == 1 }

        proxy.refuse(false)
        try await recorder.wait(for: "the WebSocket again") { $0.states.last == .webSocket }
        _ = try await server.api("carol").like(postId: post.id)
        _ = try await server.api("dave").comment(postId: post.id, text: "over the socket")
        try await recorder.wait(for: "three events") { $0.events.count >= 3 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(recorder.events.map(\.actor?.id) == ["bob", "carol", "dave"])
        #expect(recorder.states.filter { $0 == .longPolling }.count >= 1)
        recorder.stop()
        try await proxy.close()
        try await server.stop()
    }

    @Test("across a server restart the client resumes: nothing lost, nothing twice")
    func resumeAcrossRestart() async throws {
        let first = try await TestServer.start()
        let token = try await first.token("alice")
        let alice = MomentsAPI(server: first.url, token: token)
        let post = try await alice.createPost(text: "survive a restart")
        let connection = PushConnection(
            api: alice, after: try await alice.me().cursor, options: PushRecorder.fastOptions())
        let recorder = Recorder(connection)
        try await recorder.wait(for: "websocket") { $0.states.last == .webSocket }
        _ = try await first.api("bob").like(postId: post.id)
        try await recorder.wait(for: "first like") { $0.events.count == 1 }

        try await first.stop()
        // Any reconnecting state counts: a parallel test's server may get the freed port at once.
        try await recorder.wait(for: "reconnecting") {
            $0.states.contains { if case .reconnecting = $0 { true } else { false } }
        }
        recorder.stop()
        // Same data dir on a new port (a fixed port can be taken by a parallel test meanwhile):
        // a client resumes from the last id it applied, as after a restart or a move to another node.
        let second = try await TestServer.start(dataDir: first.dataDir)
        _ = try await second.api("carol").like(postId: post.id)
        _ = try await second.api("dave").comment(postId: post.id, text: "back")
        let resumed = Recorder(
            PushConnection(
                api: MomentsAPI(server: second.url, token: token), after: connection.lastEventId,
                options: PushRecorder.fastOptions()))
        try await resumed.wait(for: "two replayed events") { $0.events.count >= 2 }
        try await Task.sleep(for: .milliseconds(300))
        let all = recorder.events + resumed.events
        let ids = all.map(\.id)
        #expect(all.map(\.actor?.id) == ["bob", "carol", "dave"])
        #expect(Set(ids).count == ids.count)
        #expect(ids == ids.sorted())
        resumed.stop()
        try await second.stop()
    }
    @Test("a rejected token stops the connection with tokenRejected, on either transport")
    func tokenRejected() async throws {
        let server = try await TestServer.start()
        let forged = MomentsAPI(server: server.url, token: "not-a-token")
        for mode in [TransportMode.auto, .longpoll] {
            let recorder = Recorder(PushConnection(api: forged, after: 0, options: PushRecorder.fastOptions(mode)))
            try await recorder.wait(for: "token rejected (\(mode))") { $0.states.last == .tokenRejected }
            recorder.stop()
        }
        try await server.stop()
    }
}

@Suite("MomentsAPI writes with an Idempotency-Key")
struct IdempotentWriteTests {
    @Test("a comment sent twice under one key is one comment, answered the same both times")
    func commentTwice() async throws {
        let server = try await TestServer.start()
        let post = try await server.api("alice").createPost(text: "retry me")
        let bob = try await server.api("bob")
        let first = try await bob.comment(postId: post.id, text: "只一次", idempotencyKey: "tui-1")
        let again = try await bob.comment(postId: post.id, text: "只一次", idempotencyKey: "tui-1")
        #expect(again == first)
        #expect(try await bob.feed().posts.first { $0.id == post.id }?.commentCount == 1)
        do {
            _ = try await bob.comment(postId: post.id, text: "other", idempotencyKey: "tui-1")
            Issue.record("a reused key was accepted")
        } catch ClientError.api(let status, let code, _) {
            #expect(status == 422 && code == "idempotency_key_reused")
        }
        try await server.stop()
    }
}
