import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import MomentsServer
import Testing

@testable import MomentsTestSupport

/// HTTPS and WSS end to end with certificates from a private CA made at test time.
@Suite("TLS with real certificates")
struct TLSTests {
    typealias Recorder = PushRecorder

    /// A client that trusts `caFile` (or the system), with its own HTTP client to shut down.
    struct TrustingClient {
        let api: MomentsAPI
        let http: HTTPClient?

        /// `host` replaces the server URL's (localhost), e.g. by an address the certificate names.
        init(_ server: TestServer, user: String, caFile: String?, host: String? = nil) async throws {
            let trust = ServerTrust(caFile: caFile)
            http = try trust.makeHTTPClient()
            var url = URLComponents(url: server.url, resolvingAgainstBaseURL: false)!
            if let host { url.host = host }
            api = MomentsAPI(
                server: url.url!, token: try await server.token(user), http: http ?? .shared,
                tls: try trust.tlsConfiguration())
        }

        func shutdown() async throws { try await http?.shutdown() }

        /// Runs `body` and shuts the client down after it, also when it throws: AsyncHTTPClient
        /// traps on a client released unshut, which would end the whole test run.
        func using<T>(_ body: (TrustingClient) async throws -> T) async throws -> T {
            do {
                let result = try await body(self)
                try await shutdown()
                return result
            } catch {
                try? await shutdown()
                throw error
            }
        }
    }

    static func start(_ certificates: TestCertificates, otherHost: Bool = false, webSocket: Bool = true)
        async throws -> TestServer
    {
        try await TestServer.start {
            $0.tls =
                otherHost
                ? TLSFiles(certificate: certificates.otherHostCertificate, privateKey: certificates.otherHostKey)
                : TLSFiles(certificate: certificates.serverCertificate, privateKey: certificates.serverKey)
            $0.webSocketEnabled = webSocket
        }
    }

    @Test("a TLS slowloris (a handshake trickled, or none) is cut at the header deadline; HTTPS goes on")
    func tlsSlowloris() async throws {
        let certificates = try TestCertificates.make()
        let server = try await TestServer.start {
            $0.tls = TLSFiles(certificate: certificates.serverCertificate, privateKey: certificates.serverKey)
            $0.limits.headerTimeout = .seconds(2).stretched
        }
        // The first bytes of a ClientHello, then one more every 200 ms: never a whole handshake
        // (the record's length says 257 bytes).
        let trickle = try RawConnection(port: server.port)
        trickle.send("\u{16}\u{03}\u{01}")
        let trickling = Task {
            for _ in 0..<100 where trickle.send("\u{01}") { try await Task.sleep(for: .milliseconds(200).stretched) }
        }
        let silent = try RawConnection(port: server.port)
        let cut = try await trickle.waitForClose(within: hangGuard)
        trickling.cancel()
        #expect(cut < .seconds(15).stretched, "cut only when the trickle (20 s) was over, not at the deadline")
        _ = try await silent.waitForClose(within: hangGuard)
        // A real client still gets through.
        let alice = try await TrustingClient(server, user: "alice", caFile: certificates.caCertificate)
        #expect(try await alice.api.me().user.id == "alice")
        try await alice.shutdown()
        try await server.stop()
    }

    @Test("with the CA file, REST and WebSocket push work over HTTPS and WSS")
    func trustedWithCAFile() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await Self.start(certificates)
        let alice = try await TrustingClient(server, user: "alice", caFile: certificates.caCertificate)
        #expect(server.url.scheme == "https")
        #expect(try await alice.api.me().user.id == "alice")

        let recorder = Recorder(
            PushConnection(
                api: alice.api, after: try await alice.api.me().cursor, options: PushRecorder.fastOptions()))
        try await recorder.wait(for: "wss") { $0.states.last == .webSocket }
        let post = try await alice.api.createPost(text: "加密的朋友圈")
        let bob = try await TrustingClient(server, user: "bob", caFile: certificates.caCertificate)
        _ = try await bob.api.like(postId: post.id)
        try await recorder.wait(for: "the like over wss") { $0.events.count == 1 }
        #expect(recorder.events.first?.actor?.id == "bob")
        recorder.stop()
        try await alice.shutdown()
        try await bob.shutdown()
        try await server.stop()
    }

    @Test("wss:// to an IP address: no SNI, the certificate's IP SAN checked; one without it is refused")
    func webSocketToAddress() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        for otherHost in [false, true] {
            let server = try await Self.start(certificates, otherHost: otherHost)
            let alice = try await TrustingClient(
                server, user: "alice", caFile: certificates.caCertificate, host: "127.0.0.1")
            let recorder = Recorder(PushConnection(api: alice.api, after: 0, options: PushRecorder.fastOptions()))
            if otherHost {
                // Signed by the trusted CA, but for other.example only: not for this address.
                try await recorder.wait(for: "the untrusted state") {
                    $0.states.contains { if case .untrusted = $0 { true } else { false } }
                }
                #expect(!recorder.states.contains(.webSocket) && !recorder.states.contains(.longPolling))
            } else {
                try await recorder.wait(for: "wss to 127.0.0.1") { $0.states.last == .webSocket }
                let post = try await alice.api.createPost(text: "到 IP 地址")
                let bob = try await TrustingClient(server, user: "bob", caFile: certificates.caCertificate)
                _ = try await bob.api.like(postId: post.id)
                try await bob.shutdown()
                try await recorder.wait(for: "the like over wss") { $0.events.contains { $0.postId == post.id } }
            }
            recorder.stop()
            try await alice.shutdown()
            try await server.stop()
        }
    }

    @Test("without the CA the client refuses the server, and does not fall back to long-polling")
    func untrustedWithoutCA() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await Self.start(certificates)
        let stranger = try await TrustingClient(server, user: "alice", caFile: nil)
        do {
            // AsyncHTTPClient retries failing connections until the deadline, then reports why:
            // long enough for a loaded machine to finish one handshake.
            _ = try await stranger.api.me(deadline: .seconds(8).stretched)
            Issue.record("a certificate from an unknown CA was accepted")
        } catch let error as ClientError {
            guard case .untrustedCertificate(let host, _) = error else {
                Issue.record("expected untrustedCertificate, got \(error)")
                return
            }
            #expect(host == "localhost")
            #expect(error.description.hasPrefix("TLS: certificate not trusted for localhost ("))
        }

        let recorder = Recorder(PushConnection(api: stranger.api, after: 0, options: PushRecorder.fastOptions()))
        try await recorder.wait(for: "the untrusted state") {
            $0.states.contains { if case .untrusted = $0 { true } else { false } }
        }
        try await Task.sleep(for: .milliseconds(500))
        // Final: no retry, no long-polling over the same untrusted server.
        #expect(!recorder.states.contains(.longPolling))
        #expect(recorder.states.filter { if case .untrusted = $0 { true } else { false } }.count == 1)
        if case .untrusted(let text) = recorder.states.last {
            #expect(text.hasPrefix("TLS: certificate not trusted for localhost"))
        } else {
            Issue.record("last state is \(String(describing: recorder.states.last))")
        }
        recorder.stop()
        try await server.stop()
    }

    @Test("a certificate for another host name is refused, even from the trusted CA")
    func wrongHostName() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await Self.start(certificates, otherHost: true)
        try await TrustingClient(server, user: "alice", caFile: certificates.caCertificate).using { alice in
            do {
                // AsyncHTTPClient retries failing connections until the deadline, then reports why:
                // long enough for a loaded machine to finish one handshake.
                _ = try await alice.api.me(deadline: .seconds(8).stretched)
                Issue.record("a certificate for other.example was accepted for localhost")
            } catch ClientError.untrustedCertificate(let host, let reason) {
                #expect(host == "localhost")
                #expect(reason.contains("host name"), "\(reason)")
            }
            let recorder = Recorder(PushConnection(api: alice.api, after: 0, options: PushRecorder.fastOptions()))
            try await recorder.wait(for: "the untrusted state") {
                $0.states.contains { if case .untrusted = $0 { true } else { false } }
            }
            #expect(!recorder.states.contains(.webSocket))
            recorder.stop()
        }
        try await server.stop()
    }

    @Test("when the upgrade is refused, long-polling over verified HTTPS still gets every event")
    func longPollFallbackOverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let server = try await Self.start(certificates, webSocket: false)
        let alice = try await TrustingClient(server, user: "alice", caFile: certificates.caCertificate)
        let recorder = Recorder(
            PushConnection(
                api: alice.api, after: try await alice.api.me().cursor, options: PushRecorder.fastOptions()))
        try await recorder.wait(for: "long-polling") { $0.states.last == .longPolling }
        let post = try await alice.api.createPost(text: "fallback over TLS")
        for user in ["bob", "carol"] {
            let friend = try await TrustingClient(server, user: user, caFile: certificates.caCertificate)
            _ = try await friend.api.like(postId: post.id)
            try await friend.shutdown()
        }
        try await recorder.wait(for: "two likes") { $0.events.count == 2 }
        #expect(recorder.events.map(\.actor?.id) == ["bob", "carol"])
        recorder.stop()
        try await alice.shutdown()
        try await server.stop()
    }
}
