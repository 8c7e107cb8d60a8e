import Foundation
import Glibc
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// A node stopped as an orchestrator stops it (SIGTERM, then a new one), with moments-tui on it.
@Suite("moments-tui end to end: a draining node", .serialized)
struct DrainTUITests {
    @Test(
        "SIGTERM with a drain window: moments-tui is told to come back, reconnects to the node that replaces it, and shows what was said meanwhile once"
    )
    func reconnectsAfterDrain() async throws {
        let first = try await ServerProcess(["--drain-seconds", "3"])
        let port = try #require(first.url.port)
        let alice = try first.api("alice")
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "moments-drain-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let session = try first.tui("alice", "--log \(log.path)")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed over a WebSocket") { $0.contains("● websocket") }

        first.signalStop()
        // The node answers requests while it drains: bob's comment is stored there.
        let bob = try first.api("bob")
        let during = try await eventually("a comment while the node drains") {
            try? await bob.comment(postId: post.id, text: "排空时的评论 said while draining")
        }
        _ = try await session.waitForScreen("told to reconnect") { $0.contains("○ reconnecting") }
        // After the server's hint (250 ms to 2 s), not a backoff of its own.
        let hinted = try await eventually("the hint in moments-tui's log") { () -> String? in
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").first { $0.contains("the server is draining") }.map(String.init)
        }
        let after = try #require(hinted.firstMatch(of: /after=([0-9.]+) seconds/)?.output.1).flatMap { Double($0) }
        #expect(after.map { (0.25...2.0).contains($0) } == true, "\(hinted)")
        #expect(try await first.exitStatus() == 0)

        let second = try await ServerProcess(["--port", "\(port)"], dataDir: first.dataDir)
        defer { second.stop() }
        // Connected again over a WebSocket: a reconnect that met the old node still draining
        // (its upgrade refused with 503) waits and tries again, rather than long-poll.
        let back = try await session.waitForScreen("back, with the comment made during the drain") {
            $0.contains("● websocket") && $0.contains("排空时的评论")
        }
        #expect(!((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("long-polling: the WebSocket"))
        #expect(back.components(separatedBy: "Bob: 排空时的评论").count == 2, "once in the feed:\n\(back)")
        let later = try await second.api("bob").comment(postId: post.id, text: "after the restart")
        _ = try await session.waitForScreen("live again") { $0.contains("after the restart") }
        #expect(later.id > during.id)
        try session.keys("q")
        try await session.expectCleanExit()
    }
}
