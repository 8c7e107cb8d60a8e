import Testing

@testable import MomentsTUI

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

    @Test("the window fits the width in cells and scrolls sideways to keep the cursor in view")
    func window() {
        let short = LineEditor("中文ab").window(width: 10)
        #expect(short == LineEditor.Window(text: "中文ab", cursorColumn: 6))

        let long = LineEditor("一二三四五六七八九十")  // 20 cells
        let end = long.window(width: 9)
        #expect(CellWidth.of(end.text) <= 9)
        #expect(end.text.hasSuffix("十"))
        #expect(end.cursorColumn < 9)
        #expect(end.cursorColumn == CellWidth.of(end.text))

        var start = long
        start.update(.home)
        #expect(start.window(width: 9) == LineEditor.Window(text: "一二三四", cursorColumn: 0))
        start.update(.right)
        start.update(.right)
        #expect(start.window(width: 9).cursorColumn == 4)
    }
}
