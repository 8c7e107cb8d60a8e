/// Cutting and wrapping text by terminal cells, never splitting a character.
public enum TextLayout {
    /// The longest prefix of `text` that fits `width` cells, with `…` when something was cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard CellWidth.of(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let cells = CellWidth.of(character)
            if used + cells > width - 1 { break }
            result.append(character)
            used += cells
        }
        return result + "…"
    }

    /// Lines of at most `width` cells: breaks after spaces where it can, anywhere in CJK text,
    /// and at every newline.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line: [Character] = []
            var used = 0
            for character in paragraph {
                let cells = CellWidth.of(character)
                if used + cells > width {
                    if character == " " {
                        lines.append(String(line))
                        line = []
                        used = 0
                        continue
                    }
                    // Carry a trailing Latin word over to the next line, unless it fills the line.
                    if let space = line.lastIndex(of: " "), space > 0 {
                        lines.append(String(line[..<space]))
                        line = Array(line[(space + 1)...])
                    } else {
                        lines.append(String(line))
                        line = []
                    }
                    used = line.reduce(0) { $0 + CellWidth.of($1) }
                    if used + cells > width {
                        lines.append(String(line))
                        line = []
                        used = 0
                    }
                }
                line.append(character)
                used += cells
            }
            lines.append(String(line))
        }
        return lines
    }

    /// `text` padded with spaces to exactly `width` cells (truncated if longer).
    public static func pad(_ text: String, to width: Int) -> String {
        let fitted = truncate(text, to: width)
        return fitted + String(repeating: " ", count: max(0, width - CellWidth.of(fitted)))
    }
}
