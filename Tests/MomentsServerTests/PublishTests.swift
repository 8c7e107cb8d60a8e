import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOCore
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// `POST /api/publish`: backend services push `custom` events through the same stream.
@Suite("Publish API")
struct PublishTests {
    static func publish(_ server: TestServer, key: String?, body: String) async throws -> (Int, String?, PublishResult?)
    {
        var request = HTTPClientRequest(url: server.url.absoluteString + "/api/publish")
        request.method = .POST
        if let key { request.headers.add(name: "X-API-Key", value: key) }
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        let bytes = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
        let decoder = WireCoding.makeDecoder()
        return (
            Int(response.status.code), (try? decoder.decode(APIErrorBody.self, from: bytes))?.error.code,
            try? decoder.decode(PublishResult.self, from: bytes)
        )
    }

    @Test("published data reaches the users' sockets and notifications, in the durable stream")
    func delivery() async throws {
        let server = try await TestServer.start()
        let key = server.server.publisherKey
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        let hello = try await socket.hello()
        let answer = try await Self.publish(
            server, key: key, body: #"{"users":["alice","bob"],"data":{"order":42,"items":["饺子",{"n":2}],"paid":true}}"#
        )
        #expect(answer.0 == 200)
        let ids = try #require(answer.2?.ids)
        #expect(ids.count == 2)
        let event = try await socket.event()
        #expect(event.type == .custom && ids.contains(event.id) && event.id > hello.cursor)
        #expect(event.actor == nil && event.postId == nil)
        #expect(
            event.data
                == .object([
                    "order": .number(42), "items": .array([.string("饺子"), .object(["n": .number(2)])]),
                    "paid": .bool(true),
                ]))
        #expect(event.unread == hello.unread + 1)
        // Replayed like any event: a client that was away gets it from its cursor.
        let bob = try await server.api("bob")
        let replay = try await bob.poll(cursor: 0, timeout: 0)
        #expect(replay.events.contains { $0.type == .custom && $0.data != nil })
        #expect(try await bob.notifications().notifications.first?.event.type == .custom)
        socket.cancel()
        try await server.stop()
    }

    @Test("custom data comes back from the notifications list byte for byte, as the streams push it")
    func exactData() async throws {
        let server = try await TestServer.start()
        // What JSONValue cannot hold: 1.0 became 1, the integer lost digits, 1e400 was dropped.
        let data = #"{"big":123456789012345678901234567890,"huge":1e400,"one":1.0,"text":"\u00e9 ü"}"#
        let answer = try await Self.publish(
            server, key: server.server.publisherKey, body: #"{"users":["bob"],"data":"# + data + "}")
        #expect(answer.0 == 200)
        var request = HTTPClientRequest(url: server.url.absoluteString + "/api/notifications?limit=1")
        request.headers.add(name: "Authorization", value: "Bearer \(try await server.token("bob"))")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        let listed = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status == .ok)
        #expect(listed.contains(#""data":"# + data + ","), "\(listed)")
        #expect(listed.contains(#","read":false,"type":"custom","#))
        try await server.stop()
    }

    @Test("broadcast reaches every user; the answer lists one id per user")
    func broadcast() async throws {
        let server = try await TestServer.start()
        let answer = try await Self.publish(
            server, key: server.server.publisherKey, body: #"{"broadcast":true,"data":"maintenance at 02:00"}"#)
        #expect(answer.0 == 200)
        #expect(answer.2?.ids.count == DemoSeed.users.count)
        for user in DemoSeed.users.map(\.id) {
            let newest = try await server.api(user).notifications().notifications.first
            #expect(newest?.event.data == .string("maintenance at 02:00"), "\(user)")
        }
        try await server.stop()
    }

    @Test("a missing or wrong key is 401; bad bodies are 400, unknown users 404; nothing is stored")
    func refusals() async throws {
        let server = try await TestServer.start()
        let key = server.server.publisherKey
        let body = #"{"users":["alice"],"data":{}}"#
        #expect(try await Self.publish(server, key: nil, body: body).0 == 401)
        #expect(try await Self.publish(server, key: key + "x", body: body).0 == 401)
        #expect(try await Self.publish(server, key: String(key.dropLast()), body: body).1 == "unauthorized")
        // A user's token is not a publisher key.
        #expect(try await Self.publish(server, key: try await server.token("alice"), body: body).0 == 401)
        let tooMany = "[" + (0...PublishRoute.maxRecipients).map { "\"u\($0)\"" }.joined(separator: ",") + "]"
        for bad in [
            #"{"users":["alice"]}"#, #"{"data":{}}"#, #"{"users":[],"data":{}}"#,
            #"{"users":["alice"],"broadcast":true,"data":{}}"#, #"{"broadcast":false,"data":{}}"#,
            #"{"users":"alice","data":{}}"#, #"{"users":\#(tooMany),"data":1}"#, "not json",
        ] {
            let answer = try await Self.publish(server, key: key, body: bad)
            #expect(answer.0 == 400 && answer.1 == "bad_request", "\(bad.prefix(60))")
        }
        let unknown = try await Self.publish(server, key: key, body: #"{"users":["alice","mallory"],"data":{}}"#)
        #expect(unknown.0 == 404 && unknown.1 == "not_found")
        #expect(try await server.api("alice").notifications().notifications.allSatisfy { $0.event.type != .custom })
        #expect(
            PublisherKey.matches("abc", "abc") && !PublisherKey.matches("abc", "abd")
                && !PublisherKey.matches("ab", "abc"))
        try await server.stop()
    }

    @Test("the key survives a restart on the same data dir and comes from MOMENTS_API_KEY when set")
    func keyPersistence() async throws {
        let first = try await TestServer.start()
        let key = first.server.publisherKey
        #expect(key.count >= 32)
        let mode =
            try FileManager.default.attributesOfItem(
                atPath: first.dataDir.appendingPathComponent("api-key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try await first.stop()
        let second = try await TestServer.start(dataDir: first.dataDir, demo: false)
        #expect(second.server.publisherKey == key)
        try await second.stop()
        #expect(try PublisherKey.fromEnvironment(["MOMENTS_API_KEY": "0123456789abcdef-key"]) == "0123456789abcdef-key")
        #expect(throws: ConfigurationError.self) { try PublisherKey.fromEnvironment(["MOMENTS_API_KEY": "short"]) }
    }
}
