import AsyncHTTPClient
import Foundation
import GRDB
import MomentsCore
import NIOCore
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// A full disk is told apart from a bug (507, `/readyz`, a metric) and heals by itself; so
/// does a database that went away (503); a node whose cross-node feed is down says it is not
/// ready.
@Suite("Readiness and storage full")
struct ReadinessTests {
    static func get(_ server: TestServer, _ path: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: server.url.absoluteString + path), timeout: .seconds(10).stretched)
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    static func post(_ server: TestServer, token: String, text: String) async throws
        -> (status: Int, retryAfter: String?, error: APIErrorBody?)
    {
        var request = HTTPClientRequest(url: server.url.absoluteString + "/api/posts")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(["text": text])))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code), response.headers.first(name: "Retry-After"),
            try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: Data(bytes.readableBytesView))
        )
    }

    @Test("a full store answers writes 507 with Retry-After, stores nothing of them, keeps reads, and heals")
    func storageFull() async throws {
        let server = try await TestServer.start()
        let store = try #require(server.server.store as? SQLiteStore)
        let token = try await server.token("alice")
        let kept = try await server.api("alice").createPost(text: "before the disk filled")
        #expect(try await Self.get(server, "/readyz").status == 200)

        // SQLite's own cap on the file's size (for the writer's connection) stands in for a disk.
        let pages = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages + 1)")
        }
        let text = String(repeating: "满", count: 2000)
        var refused: (status: Int, retryAfter: String?, error: APIErrorBody?)?
        var accepted = 0
        for _ in 0..<50 {
            let answer = try await Self.post(server, token: token, text: text)
            guard answer.status == 201 else {
                refused = answer
                break
            }
            accepted += 1
        }
        let full = try #require(refused, "the store never filled")
        #expect(full.status == 507)
        #expect(full.error?.error.code == "insufficient_storage")
        #expect(full.retryAfter == "30")

        let ready = try await Self.get(server, "/readyz")
        #expect(ready.status == 503 && ready.body.contains("storage_full"))
        #expect(try await Self.get(server, "/healthz").status == 200)
        // Reads work; what was accepted is there, the refused post is not.
        let feed = try await server.api("alice").feed(limit: 100)
        #expect(feed.posts.contains { $0.id == kept.id })
        #expect(feed.posts.filter { $0.text == text }.count == accepted)
        let metrics = try await HTTPClient.shared.get(url: try await server.metricsURL().absoluteString).get()
        #expect(String(buffer: metrics.body ?? ByteBuffer()).contains(#"reason="insufficient_storage""#))

        // Space comes back: the same write goes through, and the node is ready again.
        try await store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(try await Self.post(server, token: token, text: text).status == 201)
        #expect(try await server.api("alice").feed(limit: 100).posts.filter { $0.text == text }.count == accepted + 1)
        #expect(try await Self.get(server, "/readyz").status == 200)
        try await server.stop()
    }

    @Test(
        "a node whose PostgreSQL is gone answers 503 store_unavailable rather than nothing, stops when asked, and heals",
        .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
    func databaseGone() async throws {
        let url = try await TestPostgres.createDatabase()
        let server = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let token = try await server.token("alice")
        let kept = try await server.api("alice").createPost(text: "before the database went")
        // Started with the tests' long wait (a loaded machine may take long to connect at first);
        // the outage is met with a short one.
        let store = try #require(server.server.store as? PostgresStore)
        store.pool.wait = .seconds(1).stretched

        try await TestPostgres.cutOff(url)
        let write = try await Self.post(server, token: token, text: "while it is gone")
        #expect(write.status == 503 && write.error?.error.code == "store_unavailable" && write.retryAfter == "5")
        let read = try await rawRequest(server, .GET, "/api/feed", token: token)
        #expect(read.status == 503 && read.error?.error.code == "store_unavailable")
        #expect(try await Self.get(server, "/healthz").status == 200)

        try await TestPostgres.reopen(url)
        // postgres-nio's pool backs off its failed connects (100 ms growing by 1.25 each, to a
        // minute): how soon it tries again depends on how many failed, so give it time.
        try await eventually("writes to go through again", within: .seconds(120).stretched) {
            try await Self.post(server, token: token, text: "after it came back").status == 201
        }
        let texts = try await server.api("alice").feed(limit: 100).posts.map(\.text)
        #expect(
            texts.contains(kept.text) && texts.contains("after it came back") && !texts.contains("while it is gone"))

        // Gone again with a write waiting for a connection: shutdown does not wait for PostgreSQL.
        try await TestPostgres.cutOff(url)
        async let waiting = Self.post(server, token: token, text: "during shutdown")
        try await Task.sleep(for: .milliseconds(100))
        try await within { try await server.stop() }
        // Sent before the listener closed, it was answered; a loaded machine may not have sent it yet.
        if let answer = try? await waiting { #expect(answer.status == 503) }
        try await TestPostgres.reopen(url)
    }

    @Test(
        "a node whose LISTEN connection is down is not ready until it listens again",
        .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
    func crossNodeFeedDown() async throws {
        let url = try await TestPostgres.createDatabase()
        let server = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        try await eventually("ready once listening") { try await Self.get(server, "/readyz").status == 200 }
        // New connections refused, the LISTEN session cut: the node cannot listen again.
        try await TestPostgres.cutOff(url, sessions: "LISTEN%")
        let down = try await eventually("not ready") {
            let answer = try await Self.get(server, "/readyz")
            return answer.status == 503 ? answer.body : nil
        }
        #expect(down.contains("cross_node_feed_down"))
        try await TestPostgres.reopen(url)
        try await eventually("ready again") { try await Self.get(server, "/readyz").status == 200 }
        try await server.stop()
    }
}
