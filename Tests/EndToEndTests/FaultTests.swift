import Foundation
import MomentsClient
import MomentsCore
import Synchronization
import Testing

@testable import MomentsTestSupport

/// Faults of the real server binary: kill -9 under load, and SIGTERM with clients connected.
@Suite("faults", .serialized)
struct FaultTests {
    @Test(
        "kill -9 under a steady stream of comments: after a restart on the same data dir, alice has every acknowledged one exactly once"
    )
    func killNineUnderLoad() async throws {
        // The producer writes faster than the default per-user limit allows.
        let fast = ["--write-rate", "10000", "--write-rate-address", "10000"]
        let first = try await ServerProcess(fast)
        let tokens = first.tokens
        let aliceToken = try #require(tokens["alice"])
        let alice = MomentsAPI(server: first.url, token: aliceToken)
        let post = try await alice.createPost(text: "kill -9 me")
        let connection = PushConnection(
            api: alice, after: try await alice.me().cursor, options: PushRecorder.fastOptions())
        let received = PushRecorder(connection)
        try await received.wait(for: "alice's WebSocket") { $0.states.last == .webSocket }

        // Comments every 10 ms from three friends; only 2xx answers count as acknowledged.
        let server = Mutex(first.url)
        let acknowledged = Mutex<[Int64]>([])
        let producing = Task {
            var round = 0
            while !Task.isCancelled {
                let user = ["bob", "carol", "dave"][round % 3]
                let api = MomentsAPI(server: server.withLock { $0 }, token: tokens[user] ?? "")
                if let comment = try? await api.comment(postId: post.id, text: "评论 \(round)") {
                    acknowledged.withLock { $0.append(comment.id) }
                }
                round += 1
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        _ = try await eventually("30 acknowledged comments") { acknowledged.withLock { $0.count >= 30 } ? true : nil }
        first.crash()
        let second = try await ServerProcess(fast, dataDir: first.dataDir)
        defer { second.stop() }
        server.withLock { $0 = second.url }
        let beforeRestart = acknowledged.withLock { $0.count }
        _ = try await eventually("30 more after the restart") {
            acknowledged.withLock { $0.count >= beforeRestart + 30 } ? true : nil
        }
        producing.cancel()
        _ = await producing.value
        received.stop()

        let resumed = PushRecorder(
            PushConnection(
                api: MomentsAPI(server: second.url, token: aliceToken), after: connection.lastEventId,
                options: PushRecorder.fastOptions()))
        let acked = Set(acknowledged.withLock { $0 })
        try await resumed.wait(for: "every acknowledged comment") { recorder in
            acked.isSubset(of: Set((received.events + recorder.events).compactMap(\.commentId)))
        }
        try await Task.sleep(for: .milliseconds(300))
        let all = received.events + resumed.events
        #expect(Set(all.map(\.id)).count == all.count, "an event arrived twice")
        #expect(all.map(\.id) == all.map(\.id).sorted())
        // A comment may have committed with its answer lost in the kill: delivered, never acknowledged.
        let stored = Set(
            try await MomentsAPI(server: second.url, token: aliceToken).feed().posts
                .first { $0.id == post.id }?.comments.map(\.id) ?? [])
        #expect(Set(all.compactMap(\.commentId)).isSubset(of: stored))
        resumed.stop()
    }

    @Test(
        "SIGTERM drains: clients are let go, a parked long-poll is answered, the process exits 0 promptly (the 1001 itself: PushTests)"
    )
    func gracefulShutdown() async throws {
        let server = try await ServerProcess()
        let alice = MomentsAPI(server: server.url, token: try #require(server.tokens["alice"]))
        let bob = MomentsAPI(server: server.url, token: try #require(server.tokens["bob"]))
        let received = PushRecorder(
            PushConnection(api: alice, after: try await alice.me().cursor, options: PushRecorder.fastOptions()))
        try await received.wait(for: "alice's WebSocket") { $0.states.last == .webSocket }
        let cursor = try await bob.me().cursor
        async let parked = bob.poll(cursor: cursor, timeout: 50)
        try await eventually("bob's long-poll to park") {
            try await server.metricsText().contains(#"moments_open_connections{transport="longpoll"} 1"#)
        }

        let start = ContinuousClock.now
        let status = try await server.terminate()
        let took = ContinuousClock.now - start
        #expect(status == 0)
        #expect(took < .seconds(10), "shutdown took \(took)")
        let answer = try await parked
        #expect(answer.events.isEmpty && answer.cursor == cursor)
        try await received.wait(for: "alice's client to see the server go") { recorder in
            recorder.states.contains { if case .reconnecting = $0 { true } else { false } }
        }
        received.stop()
        server.stop()
    }
}
