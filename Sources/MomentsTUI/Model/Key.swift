/// A key press, decoded from the terminal.
public enum Key: Equatable, Sendable, Hashable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab
    /// Ctrl-J or Alt-Enter: a new line in the compose field (Enter sends).
    case newline
    /// Ctrl and a letter that has no name of its own above (`control("w")` is Ctrl-W).
    case control(Character)
    /// Alt (or Esc, then the key) and a character: `alt("b")` is Alt-b.
    case alt(Character)
    /// Text the terminal marked as pasted (bracketed paste): inserted whole, newlines kept.
    case paste(String)
    /// Ctrl-C: quits, since raw mode keeps it from becoming SIGINT.
    case interrupt

    /// The key a control code (1–31) stands for: the ones with names of their own (Ctrl-C,
    /// Tab, Enter, Backspace, Ctrl-A and Ctrl-E as Home and End), else `control(letter)`.
    public static func control(code: UInt32) -> Key? {
        switch code {
        case 1: .home
        case 3: .interrupt
        case 5: .end
        case 8: .backspace
        case 9: .tab
        case 10: .newline
        case 13: .enter
        case 27: .escape
        case 1...26: Unicode.Scalar(code + 96).map { .control(Character($0)) }
        default: nil
        }
    }
}
