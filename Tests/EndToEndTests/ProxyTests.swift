import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import MomentsServer
import NIOSSL
import Testing

@testable import MomentsTestSupport

/// Moments behind real nginx, running the shipped `deploy/nginx/moments.conf` as a
/// TLS-terminating proxy with kept-alive upstream connections: how production runs it.
@Suite("Behind nginx (deploy/nginx/moments.conf)")
struct ProxyTests {
    /// A server, nginx in front of it, and clients that reach it only through nginx.
    final class Deployment {
        let server: TestServer
        let nginx: Nginx
        let certificates: TestCertificates
        let http: HTTPClient
        let tls: TLSConfiguration

        init(_ tweak: @escaping @Sendable (inout ServerConfiguration) -> Void = { _ in }) async throws {
            server = try await TestServer.start(tweak)
            certificates = try TestCertificates.make()
            nginx = try await Nginx(upstreamPort: server.port, certificates: certificates)
            let trust = ServerTrust(caFile: certificates.caCertificate)
            http = try trust.makeHTTPClient() ?? .shared
            tls = try trust.tlsConfiguration()
        }

        func api(_ user: String) async throws -> MomentsAPI {
            MomentsAPI(server: nginx.url, token: try await server.token(user), http: http, tls: tls)
        }

        /// `curl` through nginx, from a loopback address of our choosing (the client address
        /// nginx forwards), with the test CA.
        func curl(_ path: String, from source: String = "127.0.0.1", _ arguments: [String] = []) async throws -> String
        {
            try await run(
                "/usr/bin/curl",
                [
                    "-sS", "--cacert", certificates.caCertificate, "--interface", source, "-o", "/dev/null", "-w",
                    "%{http_code}",
                ] + arguments + [nginx.url.absoluteString + path]
            ).out
        }

        func stop() async throws {
            nginx.stop()
            try await http.shutdown()
            certificates.remove()
            try await server.stop()
        }
    }

    @Test("ten WebSocket upgrades over kept-alive upstream connections, REST between them stays quick; a like arrives")
    func upgradesThroughPool() async throws {
        let deployment = try await Deployment()
        let alice = try await deployment.api("alice")
        let post = try await alice.createPost(text: "behind nginx")
        var last: PushRecorder?
        for round in 1...10 {
            // The fault this catches is a stall until the header deadline (30 s), not slowness.
            let started = ContinuousClock.now
            let me = try await alice.me()
            let took = ContinuousClock.now - started
            #expect(took < .seconds(10), "REST request \(round) took \(took)")
            last?.stop()
            let recorder = PushRecorder(
                PushConnection(api: alice, after: me.cursor, options: PushRecorder.fastOptions()))
            try await recorder.wait(for: "WebSocket \(round) through nginx") { $0.states.last == .webSocket }
            #expect(!recorder.states.contains(.longPolling), "upgrade \(round) fell back to long-polling")
            last = recorder
        }
        _ = try await deployment.server.api("bob").like(postId: post.id)
        let recorder = try #require(last)
        try await recorder.wait(for: "bob's like through nginx") { $0.events.contains { $0.type == .like } }
        recorder.stop()
        try await deployment.stop()
    }

    @Test("SSE and iframe streams come through nginx event by event, unbuffered")
    func streamsUnbuffered() async throws {
        let deployment = try await Deployment()
        let token = try await deployment.server.token("alice")
        let post = try await deployment.server.api("alice").createPost(text: "streamed")
        let folder = deployment.nginx.folder
        var streams: [(Child, URL)] = []
        for path in ["/api/sse", "/api/iframe"] {
            let output = folder.appendingPathComponent("stream-\(path.dropFirst(5)).txt")
            let child = try Child(
                "/usr/bin/curl",
                [
                    "-sN", "--cacert", deployment.certificates.caCertificate,
                    deployment.nginx.url.absoluteString + path + "?token=" + token,
                ],
                stdout: output.path)
            streams.append((child, output))
        }
        func received(_ file: URL) -> String { (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        try await eventually("both streams' hello") {
            received(streams[0].1).contains("event: hello") && received(streams[1].1).contains("moments.hello(")
        }
        _ = try await deployment.server.api("bob").comment(postId: post.id, text: "一条评论")
        // A few hundred bytes: with buffering on, nginx would hold them back.
        try await eventually("the comment on both streams") {
            received(streams[0].1).contains("event: comment") && received(streams[1].1).contains("moments.push(")
        }
        for (child, _) in streams { child.forceKill() }
        try await deployment.stop()
    }

    @Test("a long-poll parks through nginx and wakes; nginx waits longer than the longest poll")
    func longPoll() async throws {
        let site = try String(contentsOf: Nginx.shippedSite, encoding: .utf8)
        let timeout = try #require(site.firstMatch(of: /proxy_read_timeout (\d+)s;/).flatMap { Int($0.output.1) })
        #expect(timeout > 60, "nginx would cut a long-poll (60 s at most, docs/protocol.md) after \(timeout) s")

        let deployment = try await Deployment()
        let alice = try await deployment.api("alice")
        let post = try await alice.createPost(text: "wake me")
        let cursor = try await alice.me().cursor
        async let woken = alice.poll(cursor: cursor, timeout: 50)
        try await eventually("the poll to park") {
            deployment.server.server.hub.subscriptionCount(user: "alice") == 1
        }
        _ = try await deployment.server.api("bob").like(postId: post.id)
        #expect(try await woken.events.map(\.actor?.id) == ["bob"])
        try await deployment.stop()
    }

    @Test("with --trusted-proxy, clients behind nginx get buckets of their own; without, forged headers change nothing")
    func trustedProxy() async throws {
        // One new push connection per 10 s per address: the second is refused at once.
        let trusted = try await Deployment {
            $0.trustedProxies = ["127.0.0.1/32"]
            $0.limits.connectsPerSecondPerAddress = 0.1
        }
        let token = try await trusted.server.token("alice")
        let sse = "/api/sse?token=\(token)"
        // An SSE answer never ends: curl gives up after --max-time and prints the status it got,
        // which a loaded machine may take a while to send (the 429 comes at once).
        #expect(try await trusted.curl(sse, from: "127.0.0.2", ["--max-time", "5"]) == "200")
        #expect(try await trusted.curl(sse, from: "127.0.0.2", ["--max-time", "5"]) == "429")
        #expect(try await trusted.curl(sse, from: "127.0.0.3", ["--max-time", "5"]) == "200")
        try await trusted.stop()

        let untrusted = try await Deployment { $0.limits.connectsPerSecondPerAddress = 0.1 }
        let path = "/api/sse?token=\(try await untrusted.server.token("alice"))"
        #expect(try await untrusted.curl(path, from: "127.0.0.2", ["--max-time", "5"]) == "200")
        // Everyone is the proxy's address here, and a header the client sends proves nothing.
        let forged = ["--max-time", "5", "-H", "X-Forwarded-For: 198.51.100.7", "-H", "Forwarded: for=198.51.100.8"]
        #expect(try await untrusted.curl(path, from: "127.0.0.3", forged) == "429")
        try await untrusted.stop()
    }
}
