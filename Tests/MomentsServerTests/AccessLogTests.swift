import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

/// One line per request and per push connection, with what an operator needs and no secret:
/// `TestServer.stop()` fails any test whose server logged a token or the publisher key.
@Suite("Access log")
struct AccessLogTests {
    static func fields(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in line.split(separator: " ") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    @Test("requests: method, route template, status, duration, user, client, bytes; never the token")
    func requests() async throws {
        let server = try await TestServer.start()
        let token = try await server.token("alice")
        let alice = try await server.api("alice")
        let post = try await alice.createPost(text: "logged")
        _ = try await server.api("bob").like(postId: post.id)
        _ = try? await MomentsAPI(server: server.url, token: "forged").me()
        let missing = try await HTTPClient.shared.get(url: server.url.absoluteString + "/api/nothing-here").get()
        #expect(missing.status == .notFound)
        // A browser's stream, with the token in the query string.
        let sse = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: server.url.absoluteString + "/api/sse?token=\(token)"),
            timeout: .seconds(10).stretched)
        var body = sse.body.makeAsyncIterator()
        _ = try await body.next()  // the hello
        try await server.stop()

        let lines = server.logs.all.filter { $0.contains("route=") || $0.contains("stream=") }
        #expect(!lines.isEmpty)
        #expect(!lines.contains { $0.contains(token) })
        let requests = lines.map(Self.fields).filter { $0["route"] != nil }
        let like = try #require(requests.first { $0["route"] == "/api/posts/{id}/likes" }, "\(lines)")
        #expect(like["method"] == "POST" && like["status"] == "200" && like["user"] == "bob")
        #expect(like["client"] == "127.0.0.1" && Int(like["bytes"] ?? "") ?? 0 > 0)
        #expect(
            Double(like["duration_ms"] ?? "") != nil
                && like["time"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
        #expect(requests.contains { $0["route"] == "/api/posts" && $0["status"] == "201" && $0["user"] == "alice" })
        #expect(requests.contains { $0["route"] == "/api/me" && $0["status"] == "401" && $0["user"] == "-" })
        #expect(requests.contains { $0["status"] == "404" && $0["route"] == "NotFound" })
        #expect(requests.contains { $0["route"] == "/api/sse" && $0["user"] == "alice" })
        let streams = lines.map(Self.fields).filter { $0["stream"] == "sse" }
        #expect(streams.map { $0["phase"] } == ["open", "close"])
        #expect(streams.last?["events"] == "0" && streams.last?["user"] == "alice")
    }

    @Test("a WebSocket is logged when it opens and when it closes, with the events it carried")
    func webSocket() async throws {
        let server = try await TestServer.start()
        let post = try await server.api("alice").createPost(text: "two events")
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        _ = try await socket.hello()
        _ = try await server.api("bob").like(postId: post.id)
        _ = try await server.api("carol").like(postId: post.id)
        _ = try await socket.event()
        _ = try await socket.event()
        socket.cancel()
        try await eventually("the close logged") {
            server.logs.all.contains { $0.contains("stream=websocket") && $0.contains("phase=close") }
        }
        let close = try #require(
            server.logs.all.map(Self.fields).first { $0["stream"] == "websocket" && $0["phase"] == "close" })
        #expect(close["events"] == "2" && close["user"] == "alice" && close["client"] == "127.0.0.1")
        let upgrade = server.logs.all.map(Self.fields).first { $0["route"] == "/api/ws" }
        #expect(upgrade?["status"] == "101" && upgrade?["user"] == "alice")
        try await server.stop()
    }

    @Test("--log-format json: each line one JSON object with the same fields")
    func json() async throws {
        let lines = NIOLockedValueBox<[String]>([])
        let server = try await TestServer.start { configuration in
            configuration.accessLog = AccessLog(format: .json) { line in lines.withLockedValue { $0.append(line) } }
        }
        _ = try await server.api("alice").me()
        try await server.stop()
        let me = try lines.withLockedValue { $0 }.compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String]
        }.first { $0["route"] == "/api/me" }
        #expect(me?["status"] == "200" && me?["user"] == "alice" && me?["method"] == "GET")
    }
}
