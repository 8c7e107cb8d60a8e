import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// Privacy as people see it: three real moments-tui in three real terminals. In the demo bob
/// and carol are strangers, both friends of alice.
@Suite("moments-tui end to end: who sees whom", .serialized)
struct PrivacyTUITests {
    @Test(
        "carol's comment on alice's post shows on alice's screen, never on bob's, until bob asks carol from his friends screen and she accepts from hers"
    )
    func strangersThenFriends() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let apis = try ["alice", "bob", "carol"].map { user in
            MomentsAPI(server: server.url, token: try #require(server.tokens[user]))
        }
        let (alice, bob, carol) = (apis[0], apis[1], apis[2])
        let release = try #require(try await alice.feed().posts.first { $0.text.hasPrefix("Moments is live") })
        // Bob commented first, so alice's later comment is his to hear of, live.
        _ = try await bob.comment(postId: release.id, text: "bob was first")
        let aliceScreen = try server.tui("alice")
        defer { aliceScreen.kill() }
        let bobScreen = try server.tui("bob")
        defer { bobScreen.kill() }
        let carolScreen = try server.tui("carol")
        defer { carolScreen.kill() }
        for (name, screen) in [("alice", aliceScreen), ("bob", bobScreen), ("carol", carolScreen)] {
            _ = try await screen.waitForScreen("\(name)'s feed") { $0.contains("● websocket") }
        }

        _ = try await carol.comment(postId: release.id, text: "carol 说你好")
        _ = try await aliceScreen.waitForScreen("carol's comment on alice's screen") {
            $0.contains("Carol: carol 说你好")
        }
        _ = try await alice.comment(postId: release.id, text: "thanks all")
        _ = try await bobScreen.waitForScreen("alice's later comment, live on bob's screen") {
            $0.contains("Alice: thanks all")
        }
        try bobScreen.keys("r")
        let bobBefore = try await bobScreen.waitForScreen("bob's feed read again") {
            $0.contains("Alice: thanks all") && !$0.contains("Refreshing")
        }
        #expect(!bobBefore.contains("carol 说你好") && !bobBefore.contains("Carol:"), "\(bobBefore)")

        // Bob asks carol from his friends screen.
        try bobScreen.keys("f")
        _ = try await bobScreen.waitForScreen("bob's friends") { $0.contains("Friends") && $0.contains("Alice @alice") }
        try bobScreen.keys("+")
        _ = try await bobScreen.waitForScreen("the request field") { $0.contains("Add friend (id, then a note) ›") }
        try bobScreen.type("carol 我是 Bob")
        try bobScreen.keys("Enter")
        _ = try await bobScreen.waitForScreen("the request sent") {
            $0.contains("Friend request sent to carol.") && $0.contains("asked Carol (@carol)")
        }

        // Carol hears of it, and accepts from hers.
        _ = try await carolScreen.waitForScreen("the request as a notification") {
            $0.contains("Bob asks to be your friend: 我是 Bob")
        }
        try carolScreen.keys("f")
        _ = try await carolScreen.waitForScreen("the request on carol's friends screen") {
            $0.contains("Bob (@bob) asks to be your friend: 我是 Bob")
        }
        try carolScreen.keys("a")
        _ = try await carolScreen.waitForScreen("friends now") {
            $0.contains("You and Bob are friends now.") && $0.contains("Bob @bob")
        }

        // Bob's screen shows carol's comment, without a restart.
        try bobScreen.keys("Escape")
        let bobAfter = try await bobScreen.waitForScreen("carol's comment on bob's screen") {
            $0.contains("Carol: carol 说你好")
        }
        #expect(bobAfter.contains("Alice: thanks all"))
        #expect(try await bob.friends().map(\.id).contains("carol"))
        for screen in [aliceScreen, bobScreen, carolScreen] {
            try screen.keys("q")
            try await screen.expectCleanExit()
        }
    }

    @Test("moments-server unfriend ends a friendship on the server's data; a second time it says they are not friends")
    func unfriendCommand() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let bob = try server.api("bob")
        #expect(try await bob.friends().map(\.id).contains("alice"))
        let command = try Binaries.path("moments-server")
        let first = try runQuick(command, ["unfriend", "bob", "alice", "--data-dir", server.dataDir.path])
        #expect(first.status == 0, "\(first.err)")
        #expect(try await !bob.friends().map(\.id).contains("alice"))
        #expect(try await bob.feed().posts.allSatisfy { $0.author.id != "alice" })
        let again = try runQuick(command, ["unfriend", "bob", "alice", "--data-dir", server.dataDir.path])
        #expect(again.status != 0 && again.err.contains("bob and alice are not friends"), "\(again)")
    }
}
