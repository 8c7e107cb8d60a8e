/// The part of a `LineEditor`'s text that fits a width, scrolled sideways so the insertion
/// point stays in view; counted in terminal cells, so CJK and emoji take two.
extension LineEditor {
    public struct Window: Equatable, Sendable {
        public var text: String
        /// Cells from the window's left edge to the insertion point.
        public var cursorColumn: Int
    }

    public func window(width: Int) -> Window {
        let room = max(1, width)
        var start = 0
        while CellWidth.of(String(characters[start..<cursor])) >= room { start += 1 }
        var visible = ""
        var used = 0
        for character in characters[start...] {
            let cells = CellWidth.of(character)
            if used + cells > room { break }
            visible.append(character)
            used += cells
        }
        return Window(text: visible, cursorColumn: CellWidth.of(String(characters[start..<cursor])))
    }
}
