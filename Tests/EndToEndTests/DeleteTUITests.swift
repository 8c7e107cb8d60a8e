import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// Taking back what was said, as people see it: three real moments-tui in three real terminals.
@Suite("moments-tui end to end: deletes", .serialized)
struct DeleteTUITests {
    @Test(
        "carol deletes her comment with d: it vanishes from alice's and bob's screens unprompted and alice's badge goes down; bob, offline, deletes his: gone at once, sent once when the server is back, gone from alice's screen"
    )
    func deleteLiveAndOffline() async throws {
        let first = try await ServerProcess()
        let port = try #require(first.url.port)
        let apis = try ["alice", "bob", "carol"].map { user in
            MomentsAPI(server: first.url, token: try #require(first.tokens[user]))
        }
        let (alice, bob, carol) = (apis[0], apis[1], apis[2])
        // In the demo bob and carol are strangers: friends first, so both see carol's comment.
        guard case .sent(let request) = try await bob.requestFriend("carol") else { throw TestFailure("not sent") }
        #expect(try await carol.answerFriendRequest(request.id, accept: true))
        let post = try await alice.createPost(text: "删除演示 delete demo")
        let carols = try await carol.comment(postId: post.id, text: "carol 的错字")
        let bobs = try await bob.comment(postId: post.id, text: "bob 的口误")
        let unread = try await alice.me().unread

        let aliceScreen = try first.tui("alice")
        defer { aliceScreen.kill() }
        let bobScreen = try first.tui("bob")
        defer { bobScreen.kill() }
        let carolScreen = try first.tui("carol")
        defer { carolScreen.kill() }
        for (name, screen) in [("alice", aliceScreen), ("bob", bobScreen), ("carol", carolScreen)] {
            _ = try await screen.waitForScreen("\(name)'s feed with both comments") {
                $0.contains("● websocket") && $0.contains("Carol: carol 的错字") && $0.contains("Bob: bob 的口误")
            }
        }
        _ = try await aliceScreen.waitForScreen("alice's badge at \(unread)") { Self.badge($0) == unread }

        // Carol opens the post (the newest, selected), selects her comment, d, y.
        try carolScreen.keys("Enter")
        _ = try await carolScreen.waitForScreen("the post view") { $0.contains("2 comments") }
        try carolScreen.keys("Down")
        try carolScreen.keys("d")
        _ = try await carolScreen.waitForScreen("the question") { $0.contains("Delete this comment?") }
        try carolScreen.keys("y")
        _ = try await carolScreen.waitForScreen("gone from carol's screen") { !$0.contains("carol 的错字") }
        for (name, screen) in [("alice", aliceScreen), ("bob", bobScreen)] {
            _ = try await screen.waitForScreen("carol's comment gone from \(name)'s screen, no key pressed") {
                !$0.contains("carol 的错字") && $0.contains("Bob: bob 的口误")
            }
        }
        _ = try await aliceScreen.waitForScreen("alice's badge down by one") { Self.badge($0) == unread - 1 }
        #expect(try await alice.post(post.id).comments.map(\.id) == [bobs.id])

        // The server goes away; bob deletes his own comment meanwhile.
        _ = try await first.terminate()
        _ = try await bobScreen.waitForScreen("the server gone") { $0.contains("○ reconnecting") }
        try bobScreen.keys("Enter")
        _ = try await bobScreen.waitForScreen("the post view") { $0.contains("1 comment") }
        try bobScreen.keys("Down")
        try bobScreen.keys("d")
        _ = try await bobScreen.waitForScreen("the question") { $0.contains("Delete this comment?") }
        try bobScreen.keys("y")
        _ = try await bobScreen.waitForScreen("gone from bob's screen at once, waiting to be sent") {
            !$0.contains("bob 的口误") && $0.contains("⇡ 1 waiting")
        }

        let second = try await ServerProcess(["--port", "\(port)"], dataDir: first.dataDir)
        defer { second.stop() }
        _ = try await bobScreen.waitForScreen("sent once the server is back") {
            $0.contains("● websocket") && !$0.contains("waiting")
        }
        _ = try await aliceScreen.waitForScreen("bob's comment gone from alice's screen") {
            $0.contains("● websocket") && !$0.contains("bob 的口误")
        }
        let aliceAgain = MomentsAPI(server: second.url, token: try first.token("alice"))
        #expect(try await aliceAgain.post(post.id).comments.isEmpty)
        // Once: one retraction of each comment in alice's stream.
        var replay: [Event] = []
        while true {
            let page = try await aliceAgain.poll(cursor: replay.last?.id ?? 0, timeout: 0)
            guard !page.events.isEmpty else { break }
            replay += page.events
        }
        for comment in [carols, bobs] {
            #expect(replay.filter { $0.type == .commentDeleted && $0.commentId == comment.id }.count == 1)
        }
        for screen in [aliceScreen, bobScreen, carolScreen] {
            try screen.keys("q")
            try await screen.expectCleanExit()
        }
    }

    /// The unread count the header's badge shows (0 without one).
    static func badge(_ screen: String) -> Int {
        guard let header = screen.split(separator: "\n").first,
            let match = header.firstMatch(of: /● (\d+)/)
        else { return 0 }
        return Int(match.output.1) ?? 0
    }
}
