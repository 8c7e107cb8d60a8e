import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

@Suite("Web page routes and the WebSocket Origin check")
struct WebPageRoutesTests {
    static let upgrade = [
        ("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
        ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ]

    static func get(_ server: TestServer, _ path: String) async throws -> (
        status: Int, headers: [String: String], body: String
    ) {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: server.url.absoluteString + path), timeout: .seconds(10).stretched)
        let body = try await response.body.collect(upTo: 1 << 20)
        let headers = Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
        return (Int(response.status.code), headers, String(buffer: body))
    }

    @Test("the page and its files come with a strict CSP and hardening headers; nothing else is served")
    func pageAndHeaders() async throws {
        let server = try await TestServer.start()
        let page = try await Self.get(server, "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("Four ways to push"))
        let policy = try #require(page.headers["content-security-policy"])
        for directive in ["default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"] {
            #expect(policy.contains(directive))
        }
        #expect(!policy.contains("unsafe-inline"))
        #expect(page.headers["x-frame-options"] == "DENY")
        #expect(page.headers["x-content-type-options"] == "nosniff")
        #expect(page.headers["referrer-policy"] == "no-referrer")

        let script = try await Self.get(server, "/app.js")
        #expect(script.status == 200)
        #expect(script.headers["content-type"] == "text/javascript; charset=utf-8")
        for path in ["/missing.js", "/..%2FPackage.swift", "/%2E%2E/Package.swift", "/api/demo/logins"] {
            #expect(try await Self.get(server, path).status == 404, "\(path)")
        }
        try await server.stop()
    }

    @Test("a --demo server lists demo users with tokens that work")
    func demoLogins() async throws {
        let server = try await TestServer.start { $0.demoLogins = true }
        let answer = try await Self.get(server, "/api/demo/logins")
        #expect(answer.status == 200)
        let logins = try WireCoding.makeDecoder().decode(DemoLogins.self, from: Data(answer.body.utf8)).logins
        #expect(logins.map(\.user.id) == ["alice", "bob", "carol", "dave"])
        let bob = MomentsAPI(server: server.url, token: try #require(logins.first { $0.user.id == "bob" }).token)
        #expect(try await bob.me().user.id == "bob")
        try await server.stop()
    }

    @Test("WebSocket upgrades from another site's page are refused with 403 before the upgrade")
    func crossSiteWebSocket() async throws {
        let server = try await TestServer.start()
        let token = try await server.token("alice")
        for origin in ["https://evil.example", "null", "http://127.0.0.1.evil.example:\(server.port)"] {
            let answer = try await rawRequest(
                server, .GET, "/api/ws?token=\(token)", headers: Self.upgrade + [("Origin", origin)])
            #expect(answer.status == 403, "\(origin)")
            #expect(answer.error?.error.code == "forbidden_origin")
        }
        // WSClient (and so moments-tui) sends Origin: ws://127.0.0.1, a non-browser origin.
        let socket = TestSocket(port: server.port, token: token)
        #expect(try await socket.hello().user.id == "alice")
        socket.cancel()
        try await server.stop()
    }

    @Test("the Origin allow-list: own origin, loopback pages and configured origins only")
    func originMatrix() {
        let policy = OriginPolicy(allowed: ["https://moments.example.com"])
        #expect(policy.permits(origin: "https://moments.example.com", host: "api.example.com"))
        #expect(policy.permits(origin: "HTTPS://Moments.Example.com", host: nil))
        #expect(policy.permits(origin: "https://push.example.org:8443", host: "push.example.org:8443", scheme: "https"))
        // Same host, other scheme: another origin (behind a TLS proxy the scheme is the proxy's word).
        #expect(!policy.permits(origin: "http://push.example.org:8443", host: "push.example.org:8443", scheme: "https"))
        #expect(policy.permits(origin: "http://localhost:3000", host: "push.example.org"))
        #expect(policy.permits(origin: "http://127.0.0.1:9", host: "push.example.org"))
        #expect(policy.permits(origin: "http://[::1]:8080", host: "push.example.org"))
        #expect(!policy.permits(origin: "https://push.example.org", host: "push.example.org:8443"))
        #expect(!policy.permits(origin: "https://evil.example", host: "push.example.org"))
        #expect(!policy.permits(origin: "https://moments.example.com.evil.example", host: "push.example.org"))
        #expect(policy.permits(origin: "wss://push.example.org", host: "push.example.org:8443"))
        #expect(!policy.permits(origin: "null", host: "push.example.org"))
        #expect(!policy.permits(origin: "file://", host: "push.example.org"))
    }
}
