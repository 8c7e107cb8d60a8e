import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOCore
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// "Sign out everywhere": a revoked token is refused on every node within about a second, and
/// the user's open connections are closed with 4001.
@Suite("Token revocation")
struct RevocationTests {
    /// A token issued `offset` seconds from now (tokens carry whole seconds).
    static func token(_ server: TestServer, _ user: String, offset: TimeInterval) async throws -> String {
        try await server.server.tokens.issue(user: user, ttl: .seconds(3600), now: Date().addingTimeInterval(offset))
    }

    static func status(_ server: TestServer, token: String) async -> Int? {
        do {
            _ = try await MomentsAPI(server: server.url, token: token).me()
            return 200
        } catch ClientError.api(let status, _, _) {
            return status
        } catch {
            return nil
        }
    }

    @Test(
        "POST /api/tokens/revoke: this token and older ones refused, the open WebSocket closed 4001, newer tokens work")
    func signOutEverywhere() async throws {
        let server = try await TestServer.start()
        let old = try await Self.token(server, "alice", offset: -2)
        let socket = TestSocket(port: server.port, token: old)
        _ = try await socket.hello()
        var request = HTTPClientRequest(url: server.url.absoluteString + "/api/tokens/revoke")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(old)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        #expect(response.status == .ok)
        #expect(String(buffer: try await response.body.collect(upTo: 1024)).contains("revoked_before"))

        let close = try await socket.closed()
        #expect(close?.closeCode == .unknown(4001))
        #expect(await Self.status(server, token: old) == 401)
        let fresh = try await Self.token(server, "alice", offset: 2)
        #expect(await Self.status(server, token: fresh) == 200)
        // Other users are not touched.
        #expect(await Self.status(server, token: try await server.token("bob")) == 200)
        try await server.stop()
    }

    @Test("a revocation written to the store by another process (the CLI) holds here within about a second")
    func fromTheStore() async throws {
        let server = try await TestServer.start()
        let old = try await Self.token(server, "alice", offset: -2)
        let socket = TestSocket(port: server.port, token: old)
        _ = try await socket.hello()
        // What `moments-server token revoke alice` writes, from outside this node's memory.
        try await server.server.store.revokeTokens(user: "alice", before: StoreClock.now())
        #expect(try await socket.closed()?.closeCode == .unknown(4001))
        try await eventually("the token refused") { await Self.status(server, token: old) == 401 }
        try await server.stop()
    }

    @Test(
        "revoked on node 1: node 2 refuses the token and closes the user's socket there",
        .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
    func otherNode() async throws {
        let url = try await TestPostgres.createDatabase()
        let first = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let second = try await TestServer.start { $0.postgres = try? PostgresAddress(url) }
        let old = try await Self.token(first, "alice", offset: -2)
        let socket = TestSocket(port: second.port, token: old)
        _ = try await socket.hello()
        _ = try await first.server.revokeTokens(of: "alice")
        #expect(await Self.status(first, token: old) == 401)
        #expect(try await socket.closed()?.closeCode == .unknown(4001))
        try await eventually("node 2 refusing the token") { await Self.status(second, token: old) == 401 }
        try await second.stop()
        try await first.stop()
    }
}
