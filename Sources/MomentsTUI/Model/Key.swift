/// A key press, decoded from the terminal.
public enum Key: Equatable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, delete, tab
    /// Ctrl-C: quits, since raw mode keeps it from becoming SIGINT.
    case interrupt
}
