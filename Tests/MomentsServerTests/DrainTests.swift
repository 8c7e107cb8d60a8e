import AsyncHTTPClient
import Foundation
import MomentsCore
import NIOWebSocket
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

/// SIGTERM without a reconnect storm: `/readyz` says draining at once, new streams are
/// refused, open ones end spread over the window, each told when to come back.
@Suite("Draining a node")
struct DrainTests {
    @Test(
        "readyz 503 draining at once; WebSockets 1012 with distinct retry_ms; SSE retry and end; long-poll Retry-After")
    func drain() async throws {
        let server = try await TestServer.start { $0.drainWindow = .seconds(4) }
        var sockets: [TestSocket] = []
        for user in ["alice", "bob", "carol", "dave"] {
            let socket = TestSocket(port: server.port, token: try await server.token(user))
            _ = try await socket.hello()
            sockets.append(socket)
        }
        let token = try await server.token("alice")
        let sse = try await TestStream.open(server, "/api/sse?token=\(token)")
        try await sse.until("hello") { $0.contains("event: hello") }
        let iframe = try await TestStream.open(server, "/api/iframe?token=\(token)")
        try await iframe.until("hello") { $0.contains("moments.hello(") }
        let parked = Task {
            var request = HTTPClientRequest(url: server.url.absoluteString + "/api/poll?timeout=30")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            return (response.status.code, response.headers.first(name: "Retry-After"))
        }
        try await eventually("the long-poll parked") {
            server.server.hub.subscriptionCount == sockets.count + 3 ? true : nil
        }

        let stopped = Task { try await server.stop() }
        try await eventually("readyz draining") { () -> Bool? in
            let ready = try await rawRequest(server, .GET, "/readyz")
            return ready.status == 503 ? true : nil
        }
        // New streams are refused while it drains (a WebSocket's upgrade too: 503).
        let refused = try await rawRequest(server, .GET, "/api/sse", token: token)
        #expect(refused.status == 503 && refused.error?.error.code == "draining")
        let late = TestSocket(port: server.port, token: token)
        await #expect(throws: (any Error).self) { try await late.closed() }

        var hints: [Int] = []
        for socket in sockets {
            let close = try #require(try await socket.closed())
            #expect(UInt16(webSocketErrorCode: close.closeCode) == 1012)
            let reason = try #require(close.reason)
            let hint = try #require(Int(reason.replacingOccurrences(of: "retry_ms=", with: "")))
            #expect(PushDrainService.retryMs.contains(hint), "\(reason)")
            hints.append(hint)
        }
        #expect(Set(hints).count == hints.count, "\(hints)")
        let ended = try await sse.until("the end frame") { SSEFrame.parse($0).contains { $0.event == "end" } }
        let frames = SSEFrame.parse(ended)
        let retry = try #require(frames.last { $0.retry != nil }?.retry)
        #expect(frames.last == SSEFrame(event: "end", data: #"{"reason":"draining","retry_ms":\#(retry)}"#))
        let page = try await iframe.until("the end script") { $0.contains("</html>") }
        #expect(page.contains(#"parent.moments.end("draining", "#))
        let (status, retryAfter) = try await parked.value
        #expect(status == 200)
        #expect(retryAfter == "1" || retryAfter == "2")
        try await stopped.value
    }

    @Test("with no window, everything ends at once with 1001, as before")
    func noWindow() async throws {
        let server = try await TestServer.start()
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        _ = try await socket.hello()
        try await server.stop()
        let close = try #require(try await socket.closed())
        #expect(close.closeCode == .goingAway)
    }
}
