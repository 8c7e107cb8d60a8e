import AsyncHTTPClient
import Foundation
import MomentsCore
import NIOCore
import NIOHTTP1
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// The `Idempotency-Key` contract of docs/protocol.md, on both stores: a repeat gets the first
/// answer and does nothing (no second comment, event or push); another request under the same
/// key is 422; a repeat while the first runs is 409; bad keys are 400; answers expire.
@Suite("Idempotency-Key")
struct IdempotencyTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }

        static var available: [Backend] {
            guard TestPostgres.isConfigured else {
                print("◇ Idempotency-Key on PostgreSQL skipped: \(TestPostgres.skipReason)")
                return [.sqlite]
            }
            return allCases
        }

        func start(_ tweak: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in }) async throws
            -> TestServer
        {
            let url = self == .postgres ? try await TestPostgres.createDatabase() : nil
            return try await TestServer.start { configuration in
                if let url { configuration.postgres = try? PostgresAddress(url) }
                tweak(&configuration)
            }
        }
    }

    struct Answer {
        var status: Int
        var body: String
        var replayed: Bool
        var code: String? {
            try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: Data(body.utf8)).error.code
        }
    }

    static func send(
        _ server: TestServer, _ method: HTTPMethod, _ path: String, token: String? = nil, apiKey: String? = nil,
        key: String?, body: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.url.absoluteString + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let apiKey { request.headers.add(name: "X-API-Key", value: apiKey) }
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(hangGuard))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(
            status: Int(response.status.code), body: String(buffer: bytes),
            replayed: response.headers.first(name: "Idempotent-Replayed") == "true")
    }

    static func comment(_ server: TestServer, _ token: String, on post: Int64, _ text: String, key: String?)
        async throws -> Answer
    {
        try await send(
            server, .POST, "/api/posts/\(post)/comments", token: token, key: key,
            body: String(decoding: try JSONEncoder().encode(["text": text]), as: UTF8.self))
    }

    @Test(
        "a repeat gets the first answer and does nothing again: one comment, one event, one push",
        arguments: Backend.available)
    func repeatOnce(_ backend: Backend) async throws {
        let server = try await backend.start()
        let post = try await server.api("alice").createPost(text: "重试也只算一次")
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        let hello = try await socket.hello()
        let bob = try await server.token("bob")

        let first = try await Self.comment(server, bob, on: post.id, "只发一次", key: "c-1")
        let again = try await Self.comment(server, bob, on: post.id, "只发一次", key: "c-1")
        #expect(first.status == 201 && !first.replayed)
        #expect(again.status == 201 && again.replayed)
        #expect(again.body == first.body)

        let pushed = try await socket.event()
        #expect(pushed.type == .comment && pushed.text == "只发一次")
        _ = try await server.api("carol").like(postId: post.id)
        #expect(try await socket.event().type == .like, "a second push of the comment came first")
        let notifications = try await server.api("alice").notifications().notifications
        #expect(notifications.filter { $0.event.type == .comment && $0.event.postId == post.id }.count == 1)
        #expect(notifications.filter { $0.event.id > hello.cursor }.count == 2)  // the comment and the like
        #expect(try await server.api("alice").feed().posts.first { $0.id == post.id }?.commentCount == 1)

        // Likes, reads and publishes keep their first answer the same way.
        let like = try await Self.send(server, .POST, "/api/posts/\(post.id)/likes", token: bob, key: "l-1")
        _ = try await server.api("bob").unlike(postId: post.id)
        let likeAgain = try await Self.send(server, .POST, "/api/posts/\(post.id)/likes", token: bob, key: "l-1")
        #expect(like.status == 200 && likeAgain.replayed && likeAgain.body == like.body)
        #expect(try await server.api("alice").feed().posts.first { $0.id == post.id }?.likers.map(\.id) == ["carol"])
        let publish = #"{"users":["alice"],"data":{"n":1}}"#
        let key = server.server.publisherKey
        let published = try await Self.send(server, .POST, "/api/publish", apiKey: key, key: "p-1", body: publish)
        let republished = try await Self.send(server, .POST, "/api/publish", apiKey: key, key: "p-1", body: publish)
        #expect(published.status == 200 && republished.replayed && republished.body == published.body)
        let customs = try await server.api("alice").notifications().notifications.filter { $0.event.type == .custom }
        #expect(customs.count == 1)
        socket.cancel()
        try await server.stop()
    }

    @Test(
        "the same key on another request is 422, another user's key is their own, bad keys are 400",
        arguments: Backend.available)
    func reuseAndBadKeys(_ backend: Backend) async throws {
        let server = try await backend.start()
        let post = try await server.api("alice").createPost(text: "keys")
        let bob = try await server.token("bob")
        let carol = try await server.token("carol")
        #expect(try await Self.comment(server, bob, on: post.id, "one", key: "k").status == 201)
        let otherBody = try await Self.comment(server, bob, on: post.id, "two", key: "k")
        #expect(otherBody.status == 422 && otherBody.code == "idempotency_key_reused")
        let otherPath = try await Self.send(server, .POST, "/api/posts/\(post.id)/likes", token: bob, key: "k")
        #expect(otherPath.status == 422 && otherPath.code == "idempotency_key_reused")
        let carols = try await Self.comment(server, carol, on: post.id, "two", key: "k")
        #expect(carols.status == 201 && !carols.replayed)
        for bad in [String(repeating: "x", count: 256), "has space", "ключ"] {
            let answer = try await Self.comment(server, bob, on: post.id, "bad", key: bad)
            #expect(answer.status == 400 && answer.code == "invalid_idempotency_key", "\(bad)")
        }
        // Nothing of the refused requests was stored.
        let comments = try await server.api("alice").feed().posts.first { $0.id == post.id }?.comments.map(\.text)
        #expect(comments == ["one", "two"])
        try await server.stop()
    }

    @Test(
        "a repeat while the first request is still running is 409; afterwards it gets the answer",
        arguments: Backend.available)
    func inFlight(_ backend: Backend) async throws {
        let server = try await backend.start()
        let post = try await server.api("alice").createPost(text: "slow")
        let bob = try await server.token("bob")
        let hold = try await StoreHold(server.server.store)
        async let first = Self.comment(server, bob, on: post.id, "once", key: "slow-1")
        try await eventually("the first request waiting for the store") { hold.waiting == 1 }
        let meanwhile = try await Self.comment(server, bob, on: post.id, "once", key: "slow-1")
        #expect(meanwhile.status == 409 && meanwhile.code == "idempotency_key_in_flight")
        try await hold.release()
        let answered = try await first
        #expect(answered.status == 201)
        let after = try await Self.comment(server, bob, on: post.id, "once", key: "slow-1")
        #expect(after.replayed && after.body == answered.body)
        #expect(try await server.api("alice").feed().posts.first { $0.id == post.id }?.commentCount == 1)
        try await server.stop()
    }

    @Test("an answer expires: after its lifetime the same key makes a new write", arguments: Backend.available)
    func expiry(_ backend: Backend) async throws {
        let lifetime = Duration.seconds(3)
        let server = try await backend.start { $0.idempotencyLifetime = lifetime }
        let post = try await server.api("alice").createPost(text: "short memory")
        let bob = try await server.token("bob")
        let start = ContinuousClock.now
        #expect(try await Self.comment(server, bob, on: post.id, "again", key: "e").status == 201)
        let answered = ContinuousClock.now  // the answer was kept before this
        let repeated = try await Self.comment(server, bob, on: post.id, "again", key: "e")
        // A loaded machine may take the whole lifetime between the two: then the repeat is a
        // new write, rightly, and only the expiry below is checked.
        if ContinuousClock.now - start < lifetime {
            #expect(repeated.replayed)
        } else {
            print("expiry: the repeat came after the lifetime; its replay is not checked")
        }
        try await Task.sleep(until: answered + lifetime + .milliseconds(500))
        let later = try await Self.comment(server, bob, on: post.id, "again", key: "e")
        #expect(later.status == 201 && !later.replayed)
        let comments = repeated.replayed ? 2 : 3
        #expect(try await server.api("alice").feed().posts.first { $0.id == post.id }?.commentCount == comments)

        // And the sweep removes what expired.
        let key = IdempotencyKey(scope: "user:bob", key: "e")
        #expect(try await server.server.store.storedAnswer(for: key, since: 0) != nil)
        try await server.server.store.forgetAnswers(before: StoreClock.now() + 1)
        #expect(try await server.server.store.storedAnswer(for: key, since: 0) == nil)
        try await server.stop()
    }

    @Test(
        "the same key on two nodes at once: the second to commit writes nothing and answers the first's answer",
        .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
    func twoNodes() async throws {
        let url = try await TestPostgres.createDatabase()
        let first = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let second = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let post = try await first.api("alice").createPost(text: "two doors")
        let bob = try await first.token("bob")
        // Node 1 takes the request and is held before its batch; node 2 commits the same key.
        let hold = try await StoreHold(first.server.store)
        async let held = Self.comment(first, bob, on: post.id, "through both", key: "both")
        try await eventually("node 1 holding the write") { hold.waiting == 1 }
        let direct = try await Self.comment(second, bob, on: post.id, "through both", key: "both")
        #expect(direct.status == 201 && !direct.replayed)
        try await hold.release()
        let late = try await held
        #expect(late.status == 201 && late.replayed && late.body == direct.body)
        #expect(try await second.api("alice").feed().posts.first { $0.id == post.id }?.commentCount == 1)
        try await second.stop()
        try await first.stop()
    }
}

/// Holds a store's writer (SQLite) or batches (PostgreSQL) until `release`, so a write sent
/// meanwhile stays in flight.
final class StoreHold: Sendable {
    private let sqlite: GroupCommitTests.BusyWriter?
    private let postgres: [PostgresGroupCommitTests.BusyBatch]
    private let store: any MomentsStore

    init(_ store: any MomentsStore) async throws {
        self.store = store
        if let store = store as? SQLiteStore {
            sqlite = try await GroupCommitTests.BusyWriter(store.commits)
            postgres = []
        } else if let store = store as? PostgresStore {
            sqlite = nil
            // Every batch a node runs at once.
            postgres = [try await .init(store.commits), try await .init(store.commits)]
        } else {
            throw TestFailure("no way to hold \(type(of: store))")
        }
    }

    var waiting: Int {
        if let store = store as? SQLiteStore { return store.commits.waiting }
        return (store as? PostgresStore)?.commits.waiting ?? 0
    }

    func release() async throws {
        try await sqlite?.release()
        for batch in postgres { try await batch.release() }
    }
}
