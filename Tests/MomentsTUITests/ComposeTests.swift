import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("compose: several lines, what was sent, where the cursor is")
struct ComposeTests {
    func typed(_ text: String, into s: inout AppState) {
        for character in text { _ = s.update(.key(.character(character))) }
    }

    @Test("Ctrl-J makes a new line and Enter sends the whole text; the field grows and the feed gives way")
    func multiLine() {
        var s = state()
        let bodyRows = s.bodyRows
        _ = s.update(.key(.character("p")))
        typed("第一行", into: &s)
        _ = s.update(.key(.newline))
        typed("second", into: &s)
        #expect(s.bodyRows == bodyRows - 1)
        let screen = render(s)
        #expect(screen.text(21).hasPrefix("New post › 第一行"))
        #expect(screen.text(22).hasPrefix("           second"))
        #expect(screen.cursor == Screen.Cursor(row: 22, column: CellWidth.of("New post › ") + 6))
        #expect(s.update(.key(.enter)) == [.createPost(text: "第一行\nsecond")])
        #expect(s.bodyRows == bodyRows)
    }

    @Test("Ctrl-O attaches a picture: its path (Tab completes it), then its alt text; the post may then say nothing")
    func attachPicture() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attach-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("holiday"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("holiday/海边.jpg")
        try Data([0xFF, 0xD8, 0xFF]).write(to: file)
        var s = state()
        _ = s.update(.key(.character("p")))
        _ = s.update(.key(.control("o")))
        #expect(render(s).text(22).hasPrefix("Picture (a file; Tab completes, Esc: none) › "))
        typed(folder.path + "/hol", into: &s)
        _ = s.update(.key(.tab))
        #expect(s.compose?.attaching?.editor.text == folder.path + "/holiday/")
        _ = s.update(.key(.tab))
        #expect(s.compose?.attaching?.editor.text == file.path)
        _ = s.update(.key(.enter))
        #expect(render(s).text(22).hasPrefix("Alt text for 海边.jpg › "))
        typed("the sea", into: &s)
        _ = s.update(.key(.enter))
        #expect(render(s).text(22).hasPrefix("New post (📷 1 picture) › "))
        // A path that will not do says why, and the field stays.
        _ = s.update(.key(.control("o")))
        typed(folder.path + "/nothing.png", into: &s)
        _ = s.update(.key(.enter))
        #expect(render(s).plainText.contains("no such file"))
        _ = s.update(.key(.escape))
        #expect(s.compose?.attaching == nil && s.compose?.pictures.count == 1)
        #expect(
            s.update(.key(.enter)) == [.createPost(text: "", pictures: [PictureDraft(path: file.path, alt: "the sea")])]
        )
    }

    @Test("a long text wraps by cells and scrolls within five rows, the cursor row in view")
    func longText() {
        var s = state()
        _ = s.update(.key(.character("p")))
        typed(String(repeating: "长", count: 300), into: &s)
        let screen = render(s)
        #expect(s.composeRows == AppState.composeRowLimit)
        let cursor = try! #require(screen.cursor)
        #expect(cursor.row == 22)
        #expect((0..<screen.rows).allSatisfy { CellWidth.of(screen.text($0)) == 80 })
    }

    @Test("↑ in an empty field brings back what was sent, newest first; ↓ goes forward to what was typed")
    func history() {
        var s = state()
        for text in ["first", "second"] {
            _ = s.update(.key(.character("c")))
            typed(text, into: &s)
            _ = s.update(.key(.enter))
        }
        #expect(s.sent == ["first", "second"])
        _ = s.update(.key(.character("c")))
        _ = s.update(.key(.up))
        #expect(s.compose?.editor.text == "second")
        _ = s.update(.key(.up))
        #expect(s.compose?.editor.text == "first")
        _ = s.update(.key(.up))
        #expect(s.compose?.editor.text == "first")  // nothing older
        _ = s.update(.key(.down))
        #expect(s.compose?.editor.text == "second")
        _ = s.update(.key(.down))
        #expect(s.compose?.editor.text == "")
        // In a field with text, ↑ is the editor's (there is no line above): nothing recalled.
        typed("draft", into: &s)
        _ = s.update(.key(.up))
        #expect(s.compose?.editor.text == "draft")
    }

    @Test("a paste goes into the field whole, newlines and all, and is not sent by its line breaks")
    func paste() {
        var s = state()
        _ = s.update(.key(.character("c")))
        #expect(s.update(.key(.paste("line one\nline two"))) == [])
        #expect(s.compose?.editor.text == "line one\nline two")
        // A paste outside the editor does nothing.
        _ = s.update(.key(.escape))
        #expect(s.update(.key(.paste("q"))) == [])
        #expect(s.compose == nil)
    }
}
