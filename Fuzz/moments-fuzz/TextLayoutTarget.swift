import MomentsTUI

/// The terminal client's layout by cells (CJK and emoji take two): any text at any width.
/// `wrap` keeps every character but the spaces it breaks at, each line within the width (a
/// character wider than the whole width alone on its line); `truncate` fits; `pad` fills
/// exactly.
enum TextLayoutTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        let width = Int(input.byte() % 48)
        let text = String(decoding: input.rest(), as: UTF8.self)
        let lines = TextLayout.wrap(text, width: width)
        if width > 0 {
            for line in lines where line.count > 1 {
                precondition(CellWidth.of(line) <= width, "\(line.debugDescription) is over \(width) cells")
            }
            // Line by line: joined, a space left at a line's end could combine with a mark that
            // began the next paragraph.
            let kept = lines.flatMap { Array($0) }.filter { $0 != " " }
            let given = Array(text).filter { $0 != " " && $0 != "\n" }
            precondition(kept == given, "wrap lost or added characters: \(lines) for \(text.debugDescription)")
        } else {
            precondition(lines.isEmpty, "lines at width 0")
        }
        let cut = TextLayout.truncate(text, to: width)
        precondition(CellWidth.of(cut) <= width, "truncate gave \(cut.debugDescription) for \(width) cells")
        let padded = TextLayout.pad(text, to: width)
        precondition(CellWidth.of(padded) == width, "pad gave \(padded.debugDescription) for \(width) cells")
    }
}
