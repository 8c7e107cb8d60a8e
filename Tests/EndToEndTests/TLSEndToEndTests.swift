import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// The real binaries over HTTPS/WSS with certificates from a private CA made at test time.
@Suite("TLS end to end", .serialized)
struct TLSEndToEndTests {
    @Test("moments-tui over wss://127.0.0.1 with --ca-file (the certificate's IP SAN): the badge reacts to a like")
    func tuiOverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await ServerProcess([
            "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey,
        ])
        defer { server.stop() }
        #expect(server.url.scheme == "https")
        // By address, as a server without a DNS name is reached: no SNI, the IP SAN checked.
        let url = "https://127.0.0.1:\(try #require(server.url.port))"
        let trust = ServerTrust(caFile: certificates.caCertificate)
        let http = try #require(try trust.makeHTTPClient())
        // Shut down on every path: an HTTP client dropped unshut traps, and would take the whole
        // test process (and the failure's message) with it.
        do {
            try await Self.badge(server, url: url, trust: trust, http: http, caFile: certificates.caCertificate)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    private static func badge(
        _ server: ServerProcess, url: String, trust: ServerTrust, http: HTTPClient, caFile: String
    ) async throws {
        let alice = MomentsAPI(
            server: URL(string: url)!, token: try server.token("alice"), http: http,
            tls: try trust.tlsConfiguration())
        let bob = MomentsAPI(
            server: URL(string: url)!, token: try server.token("bob"), http: http,
            tls: try trust.tlsConfiguration())
        let unread = try await alice.me().unread

        let tui = try Binaries.path("moments-tui")
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("moments-tui-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        // WebSocket only: on a loaded machine a handshake past its timeout would otherwise mean a
        // minute of long-polling before the next try, and this test is about the WebSocket.
        let session = try TmuxSession(
            command:
                "\(tui) --token \(try server.token("alice")) --server \(url) --ca-file \(caFile) --log \(log.path) --transport websocket"
        )
        defer { session.kill() }
        do {
            _ = try await session.waitForScreen("the feed over wss") {
                $0.contains("● websocket") && $0.contains("● \(unread)")
            }
        } catch {
            throw TestFailure("\(error)\nmoments-tui's log:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
        #expect(!(try session.screen()).contains("insecure"))

        let post = try #require(
            try await alice.feed().posts.first { post in
                post.author.id == "alice" && !post.likers.contains { $0.id == "bob" }
            })
        _ = try await bob.like(postId: post.id)
        _ = try await session.waitForScreen("the badge at \(unread + 1)") {
            $0.split(separator: "\n").first?.contains("● \(unread + 1)") == true
        }
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test("moments-tui refuses an untrusted server with one line; --insecure connects and says so")
    func tuiUntrusted() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await ServerProcess([
            "--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey,
        ])
        defer { server.stop() }
        let url = "https://localhost:\(try #require(server.url.port))"
        let token = try server.token("carol")
        let tui = try Binaries.path("moments-tui")

        let refused = try await run(tui, ["--token", token, "--server", url])
        #expect(refused.status == 1)
        #expect(
            refused.err.hasPrefix("moments-tui: \(url): TLS: certificate not trusted for localhost ("), "\(refused.err)"
        )
        #expect(refused.err.split(separator: "\n").count == 1)

        let session = try TmuxSession(command: "\(tui) --token \(token) --server \(url) --insecure")
        defer { session.kill() }
        _ = try await session.waitForScreen("carol's feed with the warning") {
            $0.contains("Carol @carol") && $0.contains("⚠ insecure TLS") && $0.contains("● websocket")
        }
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test("moments-server with a bad TLS setup: one line on stderr, exit 1")
    func serverTLSErrors() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try Binaries.path("moments-server")
        let dataDir = certificates.folder.appendingPathComponent("data").path
        let cases: [([String], String)] = [
            (
                ["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.otherHostKey],
                "Error: TLS: the key in \(certificates.otherHostKey) does not match the certificate in \(certificates.serverCertificate)"
            ),
            (
                [
                    "--tls-cert", certificates.folder.appendingPathComponent("missing.pem").path, "--tls-key",
                    certificates.serverKey,
                ],
                "Error: TLS: cannot read \(certificates.folder.appendingPathComponent("missing.pem").path)"
            ),
            (
                ["--tls-cert", certificates.serverKey, "--tls-key", certificates.serverKey],
                "Error: TLS: \(certificates.serverKey) holds no PEM certificate"
            ),
        ]
        for (flags, message) in cases {
            let result = try await run(
                server, ["serve", "--port", "0", "--metrics-address", "none", "--data-dir", dataDir] + flags)
            #expect(result.status == 1)
            #expect(result.err == message + "\n")
        }
    }
}
