import Foundation
import Glibc
import MomentsClient
import MomentsCore
import MomentsTUI
import Testing

@testable import MomentsTestSupport

/// The real `moments-tui` binary in a real terminal (tmux) against the real server binary.
@Suite("moments-tui end to end", .serialized)
struct TUITests {
    @Test("badge, like, CJK comment and quit, as a person would do them")
    func demoFlow() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let session = try server.tui("alice")
        defer { session.kill() }
        let alice = try server.api("alice")
        let bob = try server.api("bob")
        let unread = try await alice.me().unread

        _ = try await session.waitForScreen("the feed over a WebSocket") {
            $0.contains("● websocket") && $0.contains("● \(unread)") && $0.contains("Moments is live")
        }

        // Another user's like lights the badge up by one, with a message line.
        let aliceNewest = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        let dumplings = try #require(try await alice.feed().posts.first { $0.text.hasPrefix("今天包了饺子") })
        _ = try await bob.like(postId: dumplings.id)
        let afterLike = try await session.waitForScreen("the badge at \(unread + 1)") {
            $0.split(separator: "\n").first?.contains("● \(unread + 1)") == true
        }
        #expect(afterLike.contains("Bob liked your post “今天包了饺子"))
        let colours = try session.screen(escapes: true).split(separator: "\n").first.map(String.init) ?? ""
        #expect(colours.contains("\u{1B}[31m● \(unread + 1)") || colours.contains("\u{1B}[1m\u{1B}[31m● \(unread + 1)"))

        // `l` on the selected (newest) post likes it on the server.
        #expect(aliceNewest.id == (try await alice.feed().posts.first?.id))
        let likesBefore = aliceNewest.likeCount
        try session.keys("l")
        let serverPost = try await eventually("alice's like on the server") {
            try await alice.feed().posts.first { $0.id == aliceNewest.id && $0.likedByMe }
        }
        #expect(serverPost.likeCount == likesBefore + 1)
        _ = try await session.waitForScreen("the like count on screen") { $0.contains("♥ \(likesBefore + 1)") }

        // `c`, CJK text, Enter: a comment stored on the server.
        try session.keys("c")
        _ = try await session.waitForScreen("the comment editor") { $0.contains("Comment on Alice's post ›") }
        try session.type("好吃吗？我也想要 🥟")
        try session.keys("Enter")
        let comment = try await eventually("the comment on the server") {
            try await alice.feed().posts.first { $0.id == aliceNewest.id }?.comments.first { $0.author.id == "alice" }
        }
        #expect(comment.text == "好吃吗？我也想要 🥟")
        _ = try await session.waitForScreen("the comment on screen") { $0.contains("Alice: 好吃吗？我也想要 🥟") }

        // `n` opens notifications and clears the badge on the server too.
        try session.keys("n")
        _ = try await session.waitForScreen("notifications") { $0.contains("Notifications") }
        _ = try await eventually("unread 0 on the server") { try await alice.me().unread == 0 ? true : nil }
        let cleared = try await session.waitForScreen("no badge") {
            $0.split(separator: "\n").first?.contains("● \(unread + 1)") == false
        }
        #expect(cleared.contains("Bob liked your post"))

        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test("a resized terminal is redrawn to its new size, wide characters intact")
    func resize() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let session = try server.tui("alice")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed at 100 columns") { $0.contains("● websocket") }

        try session.resize(columns: 50, rows: 16)
        // tmux may be read while the redraw is still arriving: wait for its last line too.
        let narrow = try await session.waitForScreen("the feed redrawn at 50 columns") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 2 && lines[0].contains("● websocket") && lines[1] == String(repeating: "─", count: 50)
                && screen.contains("? help")
        }
        let lines = narrow.split(separator: "\n", omittingEmptySubsequences: false).prefix(16)
        // Every line fits in 50 cells: nothing wraps or spills, CJK counted as two cells.
        #expect(lines.allSatisfy { CellWidth.of($0) <= 50 }, "\(narrow)")
        #expect(narrow.contains("今天包了饺子"))
        // Too narrow for every key hint: the most useful ones, and the one that lists them all.
        #expect(narrow.contains(" j/k move  enter open  l like  c comment  ? help"), "\(narrow)")

        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test("SIGTERM restores the terminal and exits 0")
    func sigterm() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let session = try server.tui("carol")
        defer { session.kill() }
        _ = try await session.waitForScreen("carol's feed") { $0.contains("Carol @carol") }
        try await run("/bin/kill", ["-TERM", try session.programPid()])
        try await session.expectCleanExit()
    }

    @Test("when its terminal goes away (the tmux session is killed), moments-tui exits instead of spinning")
    func terminalGone() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let session = try server.tui("dave")
        defer { session.kill() }
        _ = try await session.waitForScreen("dave's feed") { $0.contains("Dave @dave") }
        let pid = try session.programPid()
        session.kill()
        // Gone, or a zombie waiting for a parent that is gone too.
        _ = try await eventually("moments-tui to exit") { () -> Bool? in
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z" ? true : nil
        }
    }

    @Test("a bad token or an unreachable server is one clear line on stderr and exit 1")
    func startupErrors() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let tui = try Binaries.path("moments-tui")
        let rejected = try await run(tui, ["--token", "forged", "--server", server.url.absoluteString])
        #expect(rejected.status == 1)
        #expect(rejected.err == "moments-tui: token rejected by \(server.url.absoluteString)\n")

        let unreachable = try await run(tui, ["--token", "x", "--server", "http://127.0.0.1:1"])
        #expect(unreachable.status == 1)
        #expect(unreachable.err.hasPrefix("moments-tui: http://127.0.0.1:1: cannot reach the server"))
        #expect(unreachable.err.split(separator: "\n").count == 1)

        let missing = try await run(tui, [], environment: ["MOMENTS_TOKEN": ""])
        #expect(missing.status == 1)
        #expect(missing.err.hasPrefix("moments-tui: no token"))

        let help = try await run(tui, ["--help"])
        for key in ["l ", "c ", "p ", "n ", "r ", "u ", "enter ", "q / ctrl-c", "config.toml"] {
            #expect(help.out.contains(key))
        }
    }

    @Test("--token-file works; one readable by others is refused with one line")
    func tokenFile() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moments-token-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data((try server.token("alice") + "\n").utf8).write(to: file)
        let tui = try Binaries.path("moments-tui")

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let refused = try await run(tui, ["--token-file", file.path, "--server", server.url.absoluteString])
        #expect(refused.status == 1)
        #expect(refused.err == "moments-tui: \(file.path) is readable by others (mode 644): chmod 600 \(file.path)\n")

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let session = try TmuxSession(
            command: "\(tui) --token-file \(file.path) --server \(server.url.absoluteString)")
        defer { session.kill() }
        _ = try await session.waitForScreen("alice's feed, from the token in the file") {
            $0.contains("Alice @alice") && $0.contains("● websocket")
        }
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test(
        "NO_COLOR: no colour escape in the raw output (there are some without it); the title carries the unread count")
    func noColorAndTitle() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let alice = try server.api("alice")
        let bob = try server.api("bob")
        for noColor in [false, true] {
            let raw = FileManager.default.temporaryDirectory.appendingPathComponent("moments-raw-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: raw) }
            let environment = noColor ? "NO_COLOR=1 " : ""
            let session = try TmuxSession(command: environment + (try server.tuiCommand("alice")))
            defer { session.kill() }
            _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") }
            // Everything the program writes from here on, as the terminal receives it.
            try session.call(["pipe-pane", "-t", "e2e", "-o", "cat >> \(raw.path)"])
            try await Task.sleep(for: .milliseconds(200))
            try session.resize(columns: 90, rows: 28)  // a full redraw, colours and all
            let unread = try await alice.me().unread
            let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
            _ = try await bob.comment(postId: post.id, text: noColor ? "无色" : "有色")
            _ = try await session.waitForScreen("the badge at \(unread + 1)") {
                $0.split(separator: "\n").first?.contains("● \(unread + 1)") == true
            }
            let title = "\u{1B}]2;(\(unread + 1)) Moments · Alice\u{07}"
            _ = try await eventually("the title with \(unread + 1) unread") {
                String(decoding: (try? Data(contentsOf: raw)) ?? Data(), as: UTF8.self).contains(title)
            }
            let output = String(decoding: try Data(contentsOf: raw), as: UTF8.self)
            // SGR colour parameters: 30–39, 40–49, 90–97, 100–107 (38/48 start 256 and true colour).
            let colour = try Regex(#"\x1B\[(?:[0-9;]*;)?(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])(?:;[0-9;]*)?m"#)
            #expect((output.firstMatch(of: colour) != nil) == !noColor, "NO_COLOR=\(noColor)")
            try session.keys("q")
            try await session.expectCleanExit()
        }
    }

    @Test(
        "after a focus-out report a comment from bob is a desktop notification in the pane's raw output, wrapped for tmux; after focus-in, none"
    )
    func notifiesWhenUnfocused() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let alice = try server.api("alice")
        let bob = try server.api("bob")
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("moments-raw-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: raw) }
        let session = try TmuxSession(
            command:
                try server.tuiCommand("alice", "--notify osc777")
        )
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") }
        try session.call(["pipe-pane", "-t", "e2e", "-o", "cat >> \(raw.path)"])
        try await Task.sleep(for: .milliseconds(200))
        func output() -> String { String(decoding: (try? Data(contentsOf: raw)) ?? Data(), as: UTF8.self) }
        let unread = try await alice.me().unread
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })

        // The terminal reports the focus lost (xterm's mode 1004): ESC [ O.
        _ = try session.call(["send-keys", "-t", "e2e", "-H", "1b", "5b", "4f"])
        try await Task.sleep(for: .milliseconds(300))
        _ = try await bob.comment(postId: post.id, text: "来了")
        let notification = "\u{1B}Ptmux;\u{1B}\u{1B}]777;notify;Moments;Bob commented: 来了\u{07}\u{1B}\\"
        _ = try await eventually("the OSC 777 notification, wrapped for tmux") { output().contains(notification) }
        _ = try await eventually("the title with \(unread + 1) unread") {
            output().contains("\u{1B}]2;(\(unread + 1)) Moments · Alice\u{07}")
        }

        // Focus back (ESC [ I): the next comment shows on screen and alerts nobody, not even
        // after the quiet time, when a waiting alert would have been said.
        _ = try session.call(["send-keys", "-t", "e2e", "-H", "1b", "5b", "49"])
        try await Task.sleep(for: .milliseconds(300))
        _ = try await bob.comment(postId: post.id, text: "又来了")
        _ = try await session.waitForScreen("the badge at \(unread + 2)") {
            $0.split(separator: "\n").first?.contains("● \(unread + 2)") == true
        }
        try await Task.sleep(for: .seconds(Attention.quiet + 1))
        #expect(!output().contains("又来了\u{07}"), "no notification while focused")
        #expect(output().components(separatedBy: "]777;notify;").count == 2, "exactly one notification")
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test("Enter opens a post with 30 comments alone; G reaches the last comment; Esc is back on the feed")
    func postView() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let bob = try server.api("bob")
        let dave = try server.api("dave")
        let thread = try await bob.createPost(text: "三十条评论的帖子")
        for number in 1...30 {
            _ = try await (number % 2 == 0 ? bob : dave).comment(postId: thread.id, text: "comment \(number) 评论")
        }
        let session = try server.tui("alice")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed, the thread cut to its last comments") {
            $0.contains("● websocket") && $0.contains("… 27 more") && $0.contains("comment 30 评论")
        }
        try session.keys("Enter")
        let opened = try await session.waitForScreen("the post alone") {
            $0.contains("30 comments") && $0.contains("comment 1 评论")
        }
        #expect(opened.contains("liked by") || opened.contains("no likes yet"))
        #expect(!opened.contains("Moments is live"))
        try session.keys("G")
        let last = try await session.waitForScreen("the last comment") {
            $0.contains("┃   Bob: comment 30 评论")
        }
        #expect(!last.contains("comment 1 评论"))
        for other in ["Moments is live", "Coffee first", "今天包了饺子"] { #expect(!last.contains(other), "\(last)") }
        try session.keys("Escape")
        _ = try await session.waitForScreen("the feed again") {
            $0.contains("… 27 more") && $0.contains("Moments is live")
        }
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test("like = \"f\" in config.toml makes f like the selected post (and l no longer does); --print-config shows it")
    func configuredKeys() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let alice = try server.api("alice")
        let session = try server.tui("alice", config: "[keys]\nlike = \"f\"\n")
        defer { session.kill() }
        let printed = try await run(
            try Binaries.path("moments-tui"), ["--print-config"],
            environment: ["XDG_CONFIG_HOME": session.home.appendingPathComponent("config").path])
        #expect(printed.status == 0)
        #expect(printed.out.contains("like = [\"f\"]\n"), "\(printed.out)")
        #expect(printed.out.contains("comment = [\"c\"]\n"))

        let newest = try #require(try await alice.feed().posts.first)
        #expect(!newest.likedByMe)
        _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") && $0.contains("f like") }
        try session.keys("l")
        try session.keys("f")
        let liked = try await eventually("alice's like on the server, by f") {
            try await alice.feed().posts.first { $0.id == newest.id && $0.likedByMe }
        }
        // `l` did nothing: had it liked, `f` would have taken the like back.
        #expect(liked.likeCount == newest.likeCount + 1)
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test(
        "a broken config.toml stops moments-tui before it touches the terminal: one line naming file and line, exit 2")
    func brokenConfig() async throws {
        let home = TmuxSession.newHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let file = home.appendingPathComponent("moments/config.toml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tui = try Binaries.path("moments-tui")
        for (text, line) in [("mouse = true\n[keys]\nlike = \"ctrl-shift-f\"\n", 3), ("[theme\n", 1)] {
            try Data(text.utf8).write(to: file)
            let result = try await run(tui, ["--token", "x"], environment: ["XDG_CONFIG_HOME": home.path])
            #expect(result.status == 2)
            #expect(result.err.hasPrefix("moments-tui: \(file.path):\(line): "), "\(result.err)")
            #expect(result.err.split(separator: "\n").count == 1)
            #expect(result.out.isEmpty)  // no escape sequence, no screen
        }
        let named = try await run(tui, ["--config", home.appendingPathComponent("missing.toml").path, "--token", "x"])
        #expect(named.status == 2)
        #expect(named.err.contains("missing.toml: no such file"))
    }

    @Test("run again, the feed shows a line under what is new since the last run")
    func newSinceLastRun() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let bob = try server.api("bob")
        let home = TmuxSession.newHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let command = try server.tuiCommand("alice")
        do {
            let first = try TmuxSession(command: command, home: home)
            defer { first.kill() }
            _ = try await first.waitForScreen("the feed") { $0.contains("● websocket") }
            #expect(!(try first.screen()).contains("new since you were last here"))
            try first.keys("q")
            try await first.expectCleanExit()
        }
        _ = try await bob.createPost(text: "Posted while Alice was away")
        let second = try TmuxSession(command: command, home: home)
        defer { second.kill() }
        let screen = try await second.waitForScreen("the line under the new post") {
            $0.contains("new since you were last here")
        }
        let lines = screen.split(separator: "\n").map(String.init)
        let divider = try #require(lines.firstIndex { $0.contains("new since you were last here") })
        #expect(lines.firstIndex { $0.contains("Posted while Alice was away") }! < divider)
        #expect(lines[(divider + 1)...].contains { $0.contains("Moments is live") })
        try second.keys("q")
        try await second.expectCleanExit()
    }

    @Test(
        "mouse = true: a click selects a post and the wheel moves on; pasted text (bracketed) stays whole, line breaks and all"
    )
    func mouseAndPaste() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let alice = try server.api("alice")
        let session = try server.tui("alice", config: "mouse = true\n")
        defer { session.kill() }
        let feed = try await session.waitForScreen("the feed") { $0.contains("● websocket") && $0.contains("Dave · ") }
        let rows = feed.split(separator: "\n", omittingEmptySubsequences: false)
        let dave = try #require(rows.firstIndex { $0.contains("Dave · ") })
        // What a terminal sends for a press of the first button at (column 6, row dave), X10 style:
        // ESC [ M, then 32 + button, 32 + column, 32 + row, both counted from 1.
        func mouse(button: Int, row: Int) throws {
            try session.call(
                ["send-keys", "-t", "e2e", "-H"]
                    + [0x1B, 0x5B, 0x4D, 32 + button, 32 + 6, 32 + row + 1].map {
                        String($0, radix: 16)
                    })
        }
        try mouse(button: 0, row: dave)
        _ = try await session.waitForScreen("Dave's post selected by the click") { $0.contains("┃ Dave · ") }
        try mouse(button: 65, row: dave)  // the wheel, down
        _ = try await session.waitForScreen("the next post selected by the wheel") { $0.contains("┃ 今天包了饺子") }

        try session.keys("c")
        _ = try await session.waitForScreen("the comment editor") { $0.contains("Comment on Alice's post ›") }
        try session.call(["set-buffer", "-b", "moments", "粘贴的第一行\nsecond line"])
        try session.call(["paste-buffer", "-p", "-b", "moments", "-t", "e2e"])
        let pasted = try await session.waitForScreen("both lines in the editor") {
            $0.contains("Comment on Alice's post › 粘贴的第一行") && $0.contains("second line")
        }
        #expect(!pasted.contains("Alice: 粘贴的第一行"))  // not sent by the line break
        try session.keys("Enter")
        let comment = try await eventually("the pasted comment on the server") {
            try await alice.feed().posts.flatMap(\.comments).first { $0.text.hasPrefix("粘贴的第一行") }
        }
        #expect(comment.text == "粘贴的第一行\nsecond line")
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test(
        "server stopped: a like and a CJK comment wait, shown as waiting; kill -9; server and moments-tui start again: each reaches the server once, and stays once"
    )
    func outboxAcrossKill() async throws {
        let first = try await ServerProcess()
        let port = try #require(first.url.port)
        let aliceToken = try first.token("alice")
        let home = TmuxSession.newHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let command = try first.tuiCommand("alice")
        let before = try #require(try await first.api("alice").feed().posts.first)
        #expect(!before.likedByMe)
        let text = "离线评论，稍后送达 🥟"

        do {
            let session = try TmuxSession(command: command, home: home)
            defer { session.kill() }
            _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") }
            _ = try await first.terminate()
            _ = try await session.waitForScreen("the server gone") { $0.contains("○ reconnecting") }
            try session.keys("l")
            try session.keys("c")
            _ = try await session.waitForScreen("the comment editor") { $0.contains("Comment on Alice's post ›") }
            try session.type(text)
            try session.keys("Enter")
            let waiting = try await session.waitForScreen("both writes shown as waiting") {
                $0.contains("⇡ 2 waiting") && $0.contains("Alice: \(text)  sending…")
            }
            #expect(waiting.contains("♥ \(before.likeCount + 1)"))
            // Killed as a crash would: no chance to save or send anything.
            Glibc.kill(try #require(Int32(try session.programPid())), SIGKILL)
            #expect(try await session.exitStatus() == 128 + SIGKILL)
        }

        let second = try await ServerProcess(["--port", "\(port)"], dataDir: first.dataDir)
        defer { second.stop() }
        #expect(second.url == first.url)
        let alice = MomentsAPI(server: second.url, token: aliceToken)
        for run in 1...2 {
            let session = try TmuxSession(command: command, home: home)
            defer { session.kill() }
            _ = try await session.waitForScreen("run \(run): everything sent") {
                $0.contains("● websocket") && $0.contains("Alice: \(text)") && !$0.contains("waiting")
                    && !$0.contains("sending…")
            }
            let post = try #require(try await alice.feed().posts.first { $0.id == before.id })
            #expect(post.likedByMe)
            #expect(post.likeCount == before.likeCount + 1)
            #expect(post.comments.filter { $0.text == text }.count == 1, "run \(run)")
            try session.keys("q")
            try await session.expectCleanExit()
        }
    }

    @Test(
        "started while the server is down, moments-tui shows the last run's feed marked offline and takes a like into the outbox; the server back, it catches up and sends it once"
    )
    func offlineStart() async throws {
        let first = try await ServerProcess()
        let port = try #require(first.url.port)
        let aliceToken = try first.token("alice")
        let home = TmuxSession.newHome()
        defer { try? FileManager.default.removeItem(at: home) }
        let command = try first.tuiCommand("alice")
        let newest = try #require(try await first.api("alice").feed().posts.first)
        do {
            let session = try TmuxSession(command: command, home: home)
            defer { session.kill() }
            _ = try await session.waitForScreen("the feed") {
                $0.contains("● websocket") && $0.contains("Coffee first")
            }
            try session.keys("q")
            try await session.expectCleanExit()
        }
        _ = try await first.terminate()

        let session = try TmuxSession(command: command, home: home)
        defer { session.kill() }
        let offline = try await session.waitForScreen("the saved feed, offline") {
            $0.contains("Server unreachable: the feed as it was on your last visit") && $0.contains("Coffee first")
                && $0.contains("Moments is live")
        }
        #expect(!offline.contains("● websocket"))
        try session.keys("l")
        _ = try await session.waitForScreen("the like waiting") { $0.contains("⇡ 1 waiting") }

        let second = try await ServerProcess(["--port", "\(port)"], dataDir: first.dataDir)
        defer { second.stop() }
        let back = ContinuousClock.now
        _ = try await session.waitForScreen("online again, nothing waiting") {
            $0.contains("● websocket") && !$0.contains("waiting")
        }
        print("◇ moments-tui was back on its WebSocket \(ContinuousClock.now - back) after the server listened again")
        let liked = try await eventually("the like on the server") {
            try await MomentsAPI(server: second.url, token: aliceToken).feed().posts.first {
                $0.id == newest.id && $0.likedByMe
            }
        }
        #expect(liked.likeCount == newest.likeCount + 1)
        try session.keys("q")
        try await session.expectCleanExit()

        // Alice's token for a server whose screen was never saved, that cannot be reached: one line, exit 1.
        let unknown = try await run(
            try Binaries.path("moments-tui"), ["--token", aliceToken, "--server", "http://127.0.0.1:1"],
            environment: ["XDG_STATE_HOME": home.appendingPathComponent("state").path])
        #expect(unknown.status == 1)
        #expect(unknown.err.hasPrefix("moments-tui: http://127.0.0.1:1: cannot reach the server"))
    }

    @Test("SIGSTOP past the server's ping deadline, then SIGCONT: caught up at once, nothing missed, nothing twice")
    func stoppedAndContinued() async throws {
        let server = try await ServerProcess(["--ping-interval", "1"])
        defer { server.stop() }
        let alice = try server.api("alice")
        let bob = try server.api("bob")
        let session = try server.tui("alice")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") }
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        let pid = try #require(Int32(try session.programPid()))
        Glibc.kill(pid, SIGSTOP)
        defer { Glibc.kill(pid, SIGCONT) }
        for number in 1...2 { _ = try await bob.comment(postId: post.id, text: "暂停时的评论 \(number)") }
        // The server pings every second and gives up on a peer silent past the next ping.
        try await Task.sleep(for: .seconds(4))
        let woken = ContinuousClock.now
        Glibc.kill(pid, SIGCONT)
        let screen = try await session.waitForScreen("both comments after SIGCONT") {
            $0.contains("Bob: 暂停时的评论 1") && $0.contains("Bob: 暂停时的评论 2") && $0.contains("● websocket")
        }
        print("◇ moments-tui had caught up \(ContinuousClock.now - woken) after SIGCONT")
        #expect(screen.components(separatedBy: "Bob: 暂停时的评论 1").count == 2, "shown once")
        try session.keys("q")
        try await session.expectCleanExit()
    }

    @Test(
        "a proxy that stops forwarding and keeps the sockets open: the client's own ping deadline notices, and it recovers when the proxy forwards again"
    )
    func blackholedPath() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let proxy = try await FaultProxy(target: try #require(server.url.port))
        let alice = try server.api("alice")
        let bob = try server.api("bob")
        let throughProxy = URL(string: "http://127.0.0.1:\(proxy.port)")!
        let session = try TmuxSession(
            command: try Binaries.tui(token: try server.token("alice"), server: throughProxy, "--ping-interval 1"))
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed through the proxy") { $0.contains("● websocket") }
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        proxy.blackhole(true)
        _ = try await bob.comment(postId: post.id, text: "黑洞里的评论")
        _ = try await session.waitForScreen("the silent connection given up") { !$0.contains("● websocket") }
        #expect(!(try session.screen()).contains("黑洞里的评论"))
        let restored = ContinuousClock.now
        proxy.blackhole(false)
        let screen = try await session.waitForScreen("the comment after the path came back") {
            $0.contains("Bob: 黑洞里的评论") && $0.contains("● websocket")
        }
        print(
            "◇ moments-tui was back on its WebSocket \(ContinuousClock.now - restored) after the proxy forwarded again")
        #expect(screen.components(separatedBy: "Bob: 黑洞里的评论").count == 2, "shown once")
        try session.keys("q")
        try await session.expectCleanExit()
        try await proxy.close()
    }

    @Test("a friend's post appears live in moments-tui: '1 new post ↑', then at the top once the user goes there, once")
    func livePost() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let bob = try server.api("bob")
        let session = try server.tui("alice")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") }
        let unread = try await server.api("alice").me().unread
        _ = try await bob.createPost(text: "刚发的新帖 live")
        _ = try await session.waitForScreen("the new post waiting above the feed") { $0.contains("1 new post ↑ g") }
        try session.keys("g")
        let shown = try await session.waitForScreen("the post at the top") {
            $0.contains("┃ 刚发的新帖 live") && !$0.contains("new post ↑")
        }
        #expect(shown.components(separatedBy: "刚发的新帖 live").count == 2, "once")
        #expect(try await server.api("alice").me().unread == unread, "not a notification")
        try session.keys("q")
        try await session.expectCleanExit()
    }
}
