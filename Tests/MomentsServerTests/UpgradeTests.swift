import Foundation
import HTTPTypes
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

/// The one upgrade path on raw sockets: what proxies with kept-alive upstream connections do.
@Suite("WebSocket upgrades on kept-alive connections")
struct UpgradeTests {
    static let ping: UInt8 = 0x9
    static let pong: UInt8 = 0xA

    @Test("a first request the HTTP parser rejects gets 400 and a close, and the server still shuts down at once")
    func unreadableRequest() async throws {
        let server = try await TestServer.start()
        for garbage in [
            "GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\u{01}b\r\n\r\n", "HELLO\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n",
        ] {
            let connection = try RawConnection(port: server.port)
            connection.send(garbage)
            let answer = try await connection.readToClose()
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(garbage.debugDescription): \(answer)")
            #expect(answer.contains("bad_request"))
        }
        // Those connections held the server's shutdown open for ever before.
        try await within(hangGuard) { try await server.stop() }
    }

    @Test("a connection that served a REST request upgrades on its next request and receives a like")
    func upgradeAfterRequest() async throws {
        let server = try await TestServer.start()
        let token = try await server.token("alice")
        let post = try await server.api("alice").createPost(text: "keep-alive")
        let connection = try RawConnection(port: server.port)
        connection.send("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n")
        let me = try await connection.read(untilText: "\"friends\"")
        #expect(me.hasPrefix("HTTP/1.1 200"))
        connection.send(RawConnection.upgradeRequest(token: token))
        let hello = try await connection.read(untilText: "\"cursor\"")
        #expect(hello.hasPrefix("HTTP/1.1 101"))
        _ = try await server.api("bob").like(postId: post.id)
        let like = try await connection.read(untilText: "\"type\":\"like\"")
        #expect(like.contains("\"post_id\":\(post.id)"))
        try await server.stop()
    }

    @Test("a refused upgrade on a kept-alive connection gets its whole answer, then a clean close")
    func refusedAfterRequest() async throws {
        let server = try await TestServer.start()
        let token = try await server.token("alice")
        let connection = try RawConnection(port: server.port)
        connection.send("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n")
        _ = try await connection.read(untilText: "\"friends\"")
        connection.send(RawConnection.upgradeRequest(token: "forged"))
        let answer = try await connection.readToClose()
        #expect(answer.hasPrefix("HTTP/1.1 401"))
        #expect(answer.lowercased().contains("connection: close"))
        #expect(answer.contains("\"code\":\"unauthorized\""))
        try await server.stop()
    }

    @Test("a plain GET of /api/ws is 426, and the connection serves the next request")
    func plainGet() async throws {
        let server = try await TestServer.start()
        let token = try await server.token("alice")
        let connection = try RawConnection(port: server.port)
        connection.send("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n")
        let refusal = try await connection.read(untilText: "upgrade_required")
        #expect(refusal.hasPrefix("HTTP/1.1 426"))
        connection.send("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n\r\n")
        #expect(try await connection.read(untilText: "\"friends\"").hasPrefix("HTTP/1.1 200"))
        try await server.stop()
    }

    @Test("keep-alive: a peer that answers the ping stays; one that never does is dropped at the next tick")
    func deadPeers() async throws {
        // The ticks come from the test, not a timer: nothing here depends on how fast the machine is.
        let server = try await TestServer.start { $0.pingInterval = .seconds(3600) }
        let token = try await server.token("alice")
        let post = try await server.api("alice").createPost(text: "ping")
        let answering = try RawConnection(port: server.port)
        let silent = try RawConnection(port: server.port)
        answering.send(RawConnection.upgradeRequest(token: token))
        silent.send(RawConnection.upgradeRequest(token: token))
        _ = try await answering.read(untilText: "\"cursor\"")
        _ = try await silent.read(untilText: "\"cursor\"")

        server.server.pings.tick()
        _ = try await answering.read(until: { $0.contains(0x80 | Self.ping) })
        answering.sendFrame(opcode: Self.pong)
        // The server answers frames in order: once our ping's pong is back, our pong was read.
        answering.sendFrame(opcode: Self.ping, payload: Array("sync".utf8))
        _ = try await answering.read(until: { String(decoding: $0, as: UTF8.self).contains("sync") })

        server.server.pings.tick()
        _ = try await silent.readToClose()
        _ = try await server.api("bob").like(postId: post.id)
        _ = try await answering.read(untilText: "\"type\":\"like\"")
        try await eventually("the silent socket to leave the hub") {
            server.server.hub.subscriptionCount(user: "alice") == 1
        }
        try await server.stop()
    }

    @Test("what NIO's decoder takes for an upgrade is taken aside, and nothing else")
    func upgradeRequests() {
        func request(_ fields: [(HTTPField.Name, String)]) -> HTTPRequest {
            var head = HTTPRequest(method: .get, scheme: nil, authority: "h", path: "/api/ws")
            for (name, value) in fields { head.headerFields[name] = value }
            return head
        }
        #expect(PushUpgradeGate.asksToUpgrade(request([(.connection, "Upgrade"), (.upgrade, "websocket")])))
        #expect(PushUpgradeGate.asksToUpgrade(request([(.connection, "keep-alive, upgrade"), (.upgrade, "h2c")])))
        #expect(!PushUpgradeGate.asksToUpgrade(request([(.upgrade, "websocket")])))
        #expect(!PushUpgradeGate.asksToUpgrade(request([(.connection, "keep-alive")])))
    }
}
