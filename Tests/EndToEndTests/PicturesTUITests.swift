import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// Pictures in the real moments-tui, in a real terminal (tmux): drawn with Chafa's symbols in
/// the terminal's colours, or named by their alt text.
@Suite("moments-tui end to end: pictures", .serialized)
struct PicturesTUITests {
    /// A cell as the terminal holds it: its character and its colours (a 256-colour index, or
    /// nil for the default).
    struct Cell {
        var character: Character
        var foreground: Int?
        var background: Int?
    }

    /// A line of `capture-pane -e` output read into cells (SGR colour codes only).
    static func cells(_ line: String) -> [Cell] {
        var cells: [Cell] = []
        var foreground: Int?
        var background: Int?
        var characters = Array(line)[...]
        while let next = characters.first {
            characters = characters.dropFirst()
            guard next == "\u{1B}" else {
                cells.append(Cell(character: next, foreground: foreground, background: background))
                continue
            }
            guard characters.first == "[" else { continue }
            let body = characters.dropFirst().prefix { !$0.isLetter }
            characters = characters.dropFirst(body.count + 2)
            var codes = String(body).split(separator: ";").map { Int($0) ?? 0 }[...]
            if codes.isEmpty { codes = [0] }
            while let code = codes.popFirst() {
                switch code {
                case 0: (foreground, background) = (nil, nil)
                case 38, 48:
                    guard codes.popFirst() == 5, let index = codes.popFirst() else { break }
                    if code == 38 { foreground = index } else { background = index }
                case 39: foreground = nil
                case 49: background = nil
                default: break
                }
            }
        }
        return cells
    }

    /// An xterm 256-colour index as red, green, blue.
    static func rgb(_ index: Int) -> (Int, Int, Int) {
        switch index {
        case 16...231:
            let levels = [0, 95, 135, 175, 215, 255]
            let i = index - 16
            return (levels[i / 36], levels[(i / 6) % 6], levels[i % 6])
        case 232...255:
            let gray = 8 + (index - 232) * 10
            return (gray, gray, gray)
        default:
            return [
                (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                (229, 229, 229),
            ][index % 8]
        }
    }

    static func isRed(_ index: Int?) -> Bool {
        guard let index else { return false }
        let (r, g, b) = rgb(index)
        return r > 150 && g < 90 && b < 90
    }

    static func isBlue(_ index: Int?) -> Bool {
        guard let index else { return false }
        let (r, g, b) = rgb(index)
        return b > 150 && r < 90 && g < 90
    }

    /// Alice's post of a picture whose left half is red and right half blue.
    static func redAndBlue(_ server: ServerProcess) async throws -> Post {
        let alice = try server.api("alice")
        let uploaded = try await alice.uploadMedia(try TestImages.halves(width: 64, height: 32))
        return try await alice.createPost(
            text: "halves", media: [MediaAttachment(id: uploaded.id, alt: "red and blue")])
    }

    @Test("symbols: the picture's cells are red on the left and blue on the right, in the terminal's colours")
    func symbols() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        _ = try await Self.redAndBlue(server)
        let screen = try server.tui("bob", "--images symbols", columns: 100, rows: 40)
        defer { screen.kill() }
        _ = try await screen.waitForScreen("the picture drawn") {
            $0.contains("halves") && $0.contains("red and blue") && !$0.contains("░")
        }
        // -N: trailing spaces kept (a picture's blue edge is spaces on a blue background).
        let lines = try screen.call(["capture-pane", "-p", "-e", "-N", "-t", "e2e"]).split(
            separator: "\n", omittingEmptySubsequences: false)
        let plain = try screen.screen().split(separator: "\n", omittingEmptySubsequences: false)
        let top = try #require(plain.firstIndex { $0.contains("halves") }) + 1
        let bottom = try #require(plain.firstIndex { $0.contains("red and blue") })
        // 64 x 32 pixels alone in a post: 32 columns, 8 rows (cells are twice as tall as wide).
        #expect(bottom - top == 8, "\(plain[top..<bottom].joined(separator: "\n"))")
        for row in top..<bottom {
            let cells = Self.cells(String(lines[row]))
            let picture = Array(cells.dropFirst(2).prefix(32))
            #expect(picture.count == 32)
            // Away from the middle, where a cell may hold both.
            for cell in picture.prefix(12) {
                #expect(Self.isRed(cell.background) || Self.isRed(cell.foreground), "left cell \(cell) in row \(row)")
                #expect(!Self.isBlue(cell.background) && !Self.isBlue(cell.foreground))
            }
            for cell in picture.suffix(12) {
                #expect(
                    Self.isBlue(cell.background) || Self.isBlue(cell.foreground), "right cell \(cell) in row \(row)")
                #expect(!Self.isRed(cell.background) && !Self.isRed(cell.foreground))
            }
        }
        // The post alone shows the large size, larger.
        try screen.keys("Enter")
        let opened = try await screen.waitForScreen("the post alone, its picture drawn") {
            $0.contains("no comments yet") && !$0.contains("░")
        }
        let openedLines = opened.split(separator: "\n", omittingEmptySubsequences: false)
        let first = try #require(openedLines.firstIndex { $0.contains("halves") }) + 1
        let alt = try #require(openedLines.firstIndex { $0.contains("red and blue") })
        #expect(alt - first == 16, "\(opened)")
    }

    @Test(
        "kitty: the picture goes out in kitty's graphics escape over the cells kept for it, and is deleted once scrolled away"
    )
    func kitty() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        _ = try await Self.redAndBlue(server)
        let screen = try server.tui("bob", "--images kitty", columns: 100, rows: 30)
        defer { screen.kill() }
        _ = try await screen.waitForScreen("the post") { $0.contains("halves") && $0.contains("red and blue") }
        // What the program writes, before tmux reads it (tmux itself drops kitty's escapes).
        let raw = screen.home.appendingPathComponent("raw-output")
        try screen.call(["pipe-pane", "-O", "-t", "e2e", "cat >> \(raw.path)"])
        // A resize places every picture again, now that the output is captured.
        try screen.resize(columns: 100, rows: 31)
        let placed = try await eventually("the picture placed") { () -> String? in
            let text = (try? String(contentsOf: raw, encoding: .utf8)) ?? ""
            return text.contains("\u{1B}_Ga=T,f=32,") ? text : nil
        }
        let id = try #require(placed.firstMatch(of: /\x1B_Ga=T,f=32,s=\d+,v=\d+,c=32,r=8,i=(\d+),/)?.output.1)
        #expect(try !screen.screen().contains("░"), "the cells kept for it are blank")
        // Scrolled away: the picture is deleted, by its id.
        for _ in 0..<6 { try screen.keys("j") }
        _ = try await eventually("the picture deleted") { () -> Bool? in
            let text = (try? String(contentsOf: raw, encoding: .utf8)) ?? ""
            return text.contains("\u{1B}_Ga=d,d=I,i=\(id),") ? true : nil
        }
    }

    @Test("none: each picture is named by its place and alt text")
    func none() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        _ = try await Self.redAndBlue(server)
        let screen = try server.tui("bob", "--images none")
        defer { screen.kill() }
        let shown = try await screen.waitForScreen("the placeholder") { $0.contains("[photo 1/1: red and blue]") }
        #expect(!shown.contains("░"))
    }

    @Test(
        "a picture attached while the server is away waits in the outbox; the server back, the post goes once, with it")
    func attachedOffline() async throws {
        let first = try await ServerProcess()
        let port = try #require(first.url.port)
        let file = first.dataDir.deletingLastPathComponent().appendingPathComponent("offline-\(UUID().uuidString).png")
        try Data(try TestImages.halves(width: 40, height: 20, as: .png)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let session = try first.tui("alice", "--images none")
        defer { session.kill() }
        _ = try await session.waitForScreen("the feed") { $0.contains("● websocket") }
        _ = try await first.terminate()
        _ = try await session.waitForScreen("the server gone") { $0.contains("○ reconnecting") }
        try session.keys("p")
        try session.keys("C-o")
        _ = try await session.waitForScreen("the path field") { $0.contains("Picture (a file") }
        try session.type(file.path)
        try session.keys("Enter")
        _ = try await session.waitForScreen("the alt text field") { $0.contains("Alt text for") }
        try session.type("红蓝 halves")
        try session.keys("Enter")
        _ = try await session.waitForScreen("the post with its picture") { $0.contains("📷 1 picture") }
        try session.type("posted offline")
        try session.keys("Enter")
        _ = try await session.waitForScreen("the post waiting") { $0.contains("⇡ 1 waiting") }

        let second = try await ServerProcess(["--port", "\(port)"], dataDir: first.dataDir)
        defer { second.stop() }
        _ = try await session.waitForScreen("the post sent and shown") {
            $0.contains("posted offline") && $0.contains("[photo 1/1: 红蓝 halves]") && !$0.contains("waiting")
        }
        let posts = try await second.api("alice").feed().posts.filter { $0.text == "posted offline" }
        #expect(posts.count == 1)
        let media = try #require(posts.first?.media)
        #expect(media.count == 1 && media[0].alt == "红蓝 halves" && media[0].width == 40 && media[0].height == 20)
    }
}
