import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("LineEditor: the compose line's model")
struct LineEditorTests {
    func edited(_ keys: [Key], from text: String = "") -> LineEditor {
        var editor = LineEditor(text)
        for key in keys { editor.update(key) }
        return editor
    }

    @Test("typing inserts at the cursor; arrows, Home and End move it within the text")
    func insertAndMove() {
        var editor = edited("abc".map(Key.character))
        #expect(editor.text == "abc")
        #expect(editor.cursor == 3)
        editor.update(.left)
        editor.update(.character("X"))
        #expect(editor.text == "abXc")
        #expect(editor.cursor == 3)
        editor.update(.home)
        editor.update(.left)
        #expect(editor.cursor == 0)
        editor.update(.end)
        editor.update(.right)
        #expect(editor.cursor == 4)
    }

    @Test("Backspace and Delete remove one character around the cursor, and nothing at the ends")
    func deleting() {
        var editor = LineEditor("abc")
        editor.update(.delete)
        #expect(editor.text == "abc")
        editor.update(.backspace)
        #expect(editor.text == "ab")
        editor.update(.home)
        editor.update(.backspace)
        #expect(editor.text == "ab")
        editor.update(.delete)
        #expect(editor.text == "b")
        #expect(editor.cursor == 0)
    }

    @Test("CJK, emoji and combining accents are one character each to edit")
    func graphemes() {
        var editor = LineEditor("你好🥟e\u{301}")
        #expect(editor.cursor == 4)
        editor.update(.backspace)
        #expect(editor.text == "你好🥟")
        editor.update(.left)
        editor.update(.backspace)
        #expect(editor.text == "你🥟")
        editor.update(.character("们"))
        #expect(editor.text == "你们🥟")
    }

    @Test("Tab is a space; keys that are not editing leave the text alone")
    func otherKeys() {
        let editor = edited([.character("a"), .tab, .character("b"), .up, .down, .enter, .escape, .pageUp])
        #expect(editor.text == "a b")
        #expect(editor.cursor == 3)
    }

    @Test("the layout wraps by cells and at line breaks, and places the cursor where the next character goes")
    func layout() {
        let short = LineEditor("中文ab").layout(width: 10)
        #expect(short == LineEditor.Layout(rows: ["中文ab"], cursorRow: 0, cursorColumn: 6))

        let long = LineEditor("一二三四五六七八九十")  // 20 cells
        let wrapped = long.layout(width: 9)
        #expect(wrapped.rows == ["一二三四", "五六七八", "九十"])
        #expect(wrapped.rows.allSatisfy { CellWidth.of($0) <= 9 })
        #expect((wrapped.cursorRow, wrapped.cursorColumn) == (2, 4))

        var start = long
        start.update(.home)
        start.update(.right)
        #expect((start.layout(width: 9).cursorRow, start.layout(width: 9).cursorColumn) == (0, 2))

        let lines = LineEditor("ab\n\ncd").layout(width: 9)
        #expect(lines.rows == ["ab", "", "cd"])
        #expect((lines.cursorRow, lines.cursorColumn) == (2, 2))

        // A full last row: the cursor waits at the start of the next.
        let full = LineEditor("abcd").layout(width: 4)
        #expect(full.rows == ["abcd", ""])
        #expect((full.cursorRow, full.cursorColumn) == (1, 0))
    }

    @Test("Ctrl-J makes a new line; Home and End stay on the line; ↑ and ↓ move between lines")
    func lines() {
        var editor = edited([.character("a"), .character("b"), .character("c"), .newline, .character("d")])
        #expect(editor.text == "abc\nd")
        editor.update(.home)
        #expect(editor.cursor == 4)
        var moved = editor.moveLine(-1)
        #expect(moved)
        #expect(editor.cursor == 0)
        editor.update(.end)
        #expect(editor.cursor == 3)
        moved = editor.moveLine(1)
        #expect(moved)
        #expect(editor.cursor == 5)  // the shorter line's end
        moved = editor.moveLine(1)
        #expect(!moved)
    }

    @Test("Alt-b and Alt-f move by words (a CJK run is one), Ctrl-W deletes the word before, Ctrl-U the line")
    func words() {
        var editor = LineEditor("hello big 世界 x")
        editor.update(.alt("b"))
        #expect(editor.cursor == 13)
        editor.update(.alt("b"))
        #expect(editor.cursor == 10)
        editor.update(.alt("b"))
        editor.update(.alt("f"))
        #expect(editor.cursor == 9)
        editor.update(.control("w"))
        #expect(editor.text == "hello  世界 x")
        #expect(editor.cursor == 6)
        editor.update(.control("u"))
        #expect(editor.text == " 世界 x")
        #expect(editor.cursor == 0)
    }

    @Test("pasted text goes in whole: line breaks kept as one, tabs as spaces, control characters dropped")
    func paste() {
        var editor = LineEditor("> ")
        editor.update(.paste("第一行\r\nsecond\tline\u{1B}[31m\rthird"))
        #expect(editor.text == "> 第一行\nsecond line[31m\nthird")
        #expect(editor.cursor == editor.characters.count)
    }
}
