import Foundation
import MomentsClient
import MomentsCore
import MomentsServer
import MomentsStore
import Testing

@testable import MomentsTestSupport

/// Push through PostgreSQL LISTEN/NOTIFY on one in-process node (two nodes: EndToEndTests).
@Suite("Push over PostgreSQL", .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresPushTests {
    static func start() async throws -> (TestServer, String) {
        let url = try await TestPostgres.createDatabase()
        let server = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        return (server, url)
    }

    @Test("a like reaches the author's WebSocket through NOTIFY")
    func likeThroughNotify() async throws {
        let (server, _) = try await Self.start()
        let alice = try await server.api("alice")
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        let hello = try await socket.hello()
        let post = try await alice.createPost(text: "经由 PostgreSQL")
        _ = try await server.api("bob").like(postId: post.id)
        let event = try await socket.event()
        #expect(event.actor?.id == "bob" && event.postId == post.id && event.id > hello.cursor)
        #expect(event.unread == hello.unread + 1)
        socket.cancel()
        try await server.stop()
    }

    @Test("a burst of events (read by the fan-out in batches) reaches the right sockets, in order, once each")
    func burst() async throws {
        let (server, _) = try await Self.start()
        let alice = TestSocket(port: server.port, token: try await server.token("alice"))
        let bob = TestSocket(port: server.port, token: try await server.token("bob"))
        _ = try await alice.hello()
        _ = try await bob.hello()
        // Concurrent publishers: many NOTIFYs arrive while the fan-out is still reading a batch.
        let store = server.server.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<50 {
                        let users = index % 2 == 0 ? ["alice"] : ["alice", "bob"]
                        _ = try await store.publish(to: users, data: "{\"writer\":\(writer),\"n\":\(index)}")
                    }
                }
            }
            try await group.waitForAll()
        }
        var aliceIds: [Int64] = []
        for _ in 0..<200 { aliceIds.append(try await alice.event().id) }
        var bobIds: [Int64] = []
        for _ in 0..<100 { bobIds.append(try await bob.event().id) }
        #expect(aliceIds == aliceIds.sorted() && Set(aliceIds).count == 200)
        #expect(bobIds == bobIds.sorted() && Set(bobIds).count == 100)
        #expect(Set(aliceIds).isDisjoint(with: bobIds))
        // Nothing more: a like afterwards is the very next frame.
        let post = try await server.api("alice").createPost(text: "after the burst")
        _ = try await server.api("bob").like(postId: post.id)
        #expect(try await alice.event().type == .like)
        alice.cancel()
        bob.cancel()
        try await server.stop()
    }

    @Test("when the node's LISTEN connection dies, it listens again and its sessions miss nothing")
    func listenConnectionLost() async throws {
        let (server, url) = try await Self.start()
        let alice = try await server.api("alice")
        let post = try await alice.createPost(text: "deaf for a moment")
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        _ = try await socket.hello()
        _ = try await server.api("bob").like(postId: post.id)
        #expect(try await socket.event().actor?.id == "bob")

        // Cut the node's LISTEN session, then commit while it is (probably) still reconnecting.
        try await TestPostgres.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
            on: url)
        _ = try await server.api("carol").like(postId: post.id)
        _ = try await server.api("dave").comment(postId: post.id, text: "听得见吗？")
        let missed = [try await socket.event(), try await socket.event()]
        #expect(missed.map(\.actor?.id) == ["carol", "dave"])

        // And live pushes flow again afterwards, on the same socket, once each.
        _ = try await server.api("bob").comment(postId: post.id, text: "back")
        let live = try await socket.event()
        #expect(live.actor?.id == "bob" && live.text == "back")
        #expect(live.id > missed[1].id)
        socket.cancel()
        try await server.stop()
    }
}
