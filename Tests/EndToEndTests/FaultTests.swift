import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers
import NIOCore
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
        let server = NIOLockedValueBox(first.url)
        let acknowledged = NIOLockedValueBox<[Int64]>([])
        let producing = Task {
            var round = 0
            while !Task.isCancelled {
                let user = ["bob", "carol", "dave"][round % 3]
                let api = MomentsAPI(server: server.withLockedValue { $0 }, token: tokens[user] ?? "")
                if let comment = try? await api.comment(postId: post.id, text: "评论 \(round)") {
                    acknowledged.withLockedValue { $0.append(comment.id) }
                }
                round += 1
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        _ = try await eventually("30 acknowledged comments") {
            acknowledged.withLockedValue { $0.count >= 30 } ? true : nil
        }
        first.crash()
        let second = try await ServerProcess(fast, dataDir: first.dataDir)
        defer { second.stop() }
        server.withLockedValue { $0 = second.url }
        let beforeRestart = acknowledged.withLockedValue { $0.count }
        _ = try await eventually("30 more after the restart") {
            acknowledged.withLockedValue { $0.count >= beforeRestart + 30 } ? true : nil
        }
        producing.cancel()
        _ = await producing.value
        received.stop()

        let resumed = PushRecorder(
            PushConnection(
                api: MomentsAPI(server: second.url, token: aliceToken), after: connection.lastEventId,
                options: PushRecorder.fastOptions()))
        let acked = Set(acknowledged.withLockedValue { $0 })
        try await resumed.wait(for: "every acknowledged comment") { recorder in
            acked.isSubset(of: Set((received.events + recorder.events).compactMap(\.commentId)))
        }
        try await Task.sleep(for: .milliseconds(300))
        let all = received.events + resumed.events
        #expect(Set(all.map(\.id)).count == all.count, "an event arrived twice")
        #expect(all.map(\.id) == all.map(\.id).sorted())
        // A comment may have committed with its answer lost in the kill: delivered, never acknowledged.
        let stored = Set(
            try await MomentsAPI(server: second.url, token: aliceToken).post(post.id).comments.map(\.id))
        #expect(Set(all.compactMap(\.commentId)).isSubset(of: stored))
        resumed.stop()
    }

    @Test(
        "kill -9 right after a burst of acknowledged likes and publishes (written in group commits): after a restart every one is there, once"
    )
    func killNineAfterBurst() async throws {
        try await Self.burstThenKillNine()
    }

    /// A burst of likes and publishes, each acknowledged one checked after kill -9 and a
    /// restart; `store` chooses the store (`--postgres URL`; the data dir's SQLite without).
    static func burstThenKillNine(store: [String] = []) async throws {
        let fast = ["--write-rate", "100000", "--write-rate-address", "100000"] + store
        let first = try await ServerProcess(fast)
        let tokens = first.tokens
        let alice = MomentsAPI(server: first.url, token: try #require(tokens["alice"]))
        var posts: [Int64] = []
        for index in 0..<20 { posts.append(try await alice.createPost(text: "burst \(index)").id) }
        let key = try runQuick(
            try Binaries.path("moments-server"), ["api-key", "--data-dir", first.dataDir.path] + store
        )
        .out.trimmingCharacters(in: .whitespacesAndNewlines)

        let publishURL = first.url.appendingPathComponent("api/publish").absoluteString
        enum Acknowledged: Sendable {
            case like(liker: String, post: Int64)
            case published(id: Int64, n: Int)
        }
        // Everything at once, so writes queue behind one another and commit in batches.
        let acknowledged = try await withThrowingTaskGroup(of: Acknowledged?.self) { group in
            for liker in ["bob", "carol", "dave"] {
                let api = MomentsAPI(server: first.url, token: tokens[liker] ?? "")
                for post in posts {
                    group.addTask {
                        try? await api.like(postId: post)
                            .likers.contains { $0.id == liker } ? .like(liker: liker, post: post) : nil
                    }
                }
            }
            for n in 0..<100 {
                group.addTask {
                    var request = HTTPClientRequest(url: publishURL)
                    request.method = .POST
                    request.headers.add(name: "X-API-Key", value: key)
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(string: #"{"users": ["alice"], "data": {"n": \#(n)}}"#))
                    guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(30)),
                        response.status == .ok,
                        let answer = try? JSONDecoder().decode(
                            PublishResult.self, from: Data(buffer: try await response.body.collect(upTo: 1 << 16))),
                        let id = answer.ids.first
                    else { return nil }
                    return .published(id: id, n: n)
                }
            }
            return try await group.reduce(into: [Acknowledged]()) { all, one in one.map { all.append($0) } }
        }
        first.crash()
        let second = try await ServerProcess(fast, dataDir: first.dataDir)
        defer { second.stop() }

        var likes: Set<String> = []
        var published: [Int64: Int] = [:]
        for entry in acknowledged {
            switch entry {
            case .like(let liker, let post): likes.insert("\(liker) \(post)")
            case .published(let id, let n): published[id] = n
            }
        }
        #expect(likes.count == 60 && published.count == 100, "not every write of the burst was acknowledged")
        let notifications = try await MomentsAPI(server: second.url, token: try #require(tokens["alice"]))
            .notifications(limit: 200).notifications
        let storedLikes = notifications.filter { $0.event.type == .like && posts.contains($0.event.postId ?? 0) }
            .map { "\($0.event.actor?.id ?? "") \($0.event.postId ?? 0)" }
        #expect(Set(storedLikes) == likes && storedLikes.count == likes.count, "a like lost or stored twice")
        let custom = notifications.filter { $0.event.type == .custom }
        #expect(custom.count == published.count, "a publish lost or stored twice")
        for entry in custom {
            #expect(published[entry.event.id].map { JSONValue.object(["n": .number(Double($0))]) } == entry.event.data)
        }
        let feed = try await MomentsAPI(server: second.url, token: try #require(tokens["alice"])).feed(limit: 20)
        for post in feed.posts where posts.contains(post.id) {
            #expect(Set(post.likers.map(\.id)) == ["bob", "carol", "dave"])
        }
    }

    @Test(
        "SIGTERM drains: clients are let go, a parked long-poll is answered, the process exits 0 promptly (the 1001 itself: PushTests)"
    )
    func gracefulShutdown() async throws {
        let server = try await ServerProcess()
        let alice = try server.api("alice")
        let bob = try server.api("bob")
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
