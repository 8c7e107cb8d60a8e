import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("Cell widths and wrapping")
struct TextLayoutTests {
    @Test("CJK and emoji take two cells, combining marks none, ASCII and ● one")
    func widths() {
        #expect(CellWidth.of("abc") == 3)
        #expect(CellWidth.of("你好") == 4)
        #expect(CellWidth.of("🌄") == 2)
        #expect(CellWidth.of("e\u{301}") == 1)
        #expect(CellWidth.of("●") == 1)
        #expect(CellWidth.of("가") == 2)
        #expect(CellWidth.of("ｈｉ") == 4)
    }

    @Test("CJK wraps anywhere, never past the width, never splitting a character")
    func wrapCJK() {
        let text = "今天包了饺子，猪肉白菜馅的，欢迎来吃！"
        let lines = TextLayout.wrap(text, width: 9)
        #expect(lines.allSatisfy { CellWidth.of($0) <= 9 })
        #expect(lines.joined() == text)
        #expect(lines[0] == "今天包了")
    }

    @Test("Latin text breaks at spaces; a word longer than the line is cut")
    func wrapLatin() {
        #expect(
            TextLayout.wrap("Coffee first, then WebSockets.", width: 12) == ["Coffee", "first, then", "WebSockets."])
        #expect(TextLayout.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        #expect(TextLayout.wrap("one\ntwo", width: 10) == ["one", "two"])
        #expect(TextLayout.wrap("mixed 中文 words 🌄 here", width: 8).allSatisfy { CellWidth.of($0) <= 8 })
    }

    @Test("truncation ends in … and fits exactly; padding fills to the width")
    func truncateAndPad() {
        #expect(TextLayout.truncate("周末去爬山", to: 6) == "周末…")
        #expect(CellWidth.of(TextLayout.truncate("周末去爬山", to: 6)) <= 6)
        #expect(TextLayout.truncate("short", to: 10) == "short")
        #expect(CellWidth.of(TextLayout.pad("中文", to: 7)) == 7)
        #expect(CellWidth.of(TextLayout.pad("中文中文中文", to: 7)) == 7)
    }
}
