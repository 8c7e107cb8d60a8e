import CNCurses
import Foundation

/// The only code that talks to ncurses. Owned by one thread: the UI loop's.
final class Terminal {
    /// False under `NO_COLOR` / `--no-color`: no colour escapes at all.
    private let colors: Bool

    init(colors: Bool) {
        self.colors = colors
        setlocale(LC_ALL, "")
        initscr()
        raw()
        noecho()
        nonl()
        keypad(moments_stdscr(), true)
        set_escdelay(25)
        if colors, has_colors() {
            start_color()
            use_default_colors()
            for color in Style.Color.allCases where color != .normal {
                init_pair(Int16(color.rawValue), Self.ncursesColor(color), -1)
            }
        }
        curs_set(0)
        // The terminal's focus reports (`ESC [ I`, `ESC [ O`) read as keys of their own.
        define_key("\u{1B}[I", Self.focusIn)
        define_key("\u{1B}[O", Self.focusOut)
        // Keep the window title the terminal had, to give it back at the end (xterm's title
        // stack); ask for focus reports (xterm's mode 1004), so notifications wait for the
        // user to look away.
        Self.send("\u{1B}[22;0t\u{1B}[?1004h")
    }

    func close() {
        Self.send("\u{1B}[?1004l")
        endwin()
        Self.send("\u{1B}[23;0t")
    }

    /// Key codes for the focus reports, past ncurses' own.
    private static let focusIn = KEY_MAX + 1
    private static let focusOut = KEY_MAX + 2

    /// The window (or tab) title, e.g. `(3) Moments · Alice`, so the unread count shows while the
    /// terminal is in the background.
    func setTitle(_ title: String) {
        Self.send("\u{1B}]2;\(title.withoutControlCharacters)\u{07}")
    }

    /// Beside ncurses, which has flushed its frame by now (`refresh`): the title, focus
    /// reporting, a notification's escape (`Notifier`).
    static func send(_ escape: String) {
        FileHandle.standardOutput.write(Data(escape.utf8))
    }

    /// The terminal's current size, as the action that reports it.
    var resized: Action { .resize(rows: Int(moments_lines()), columns: Int(moments_cols())) }

    /// Writes the whole frame; ncurses sends only the cells that changed, so nothing flickers.
    func draw(_ screen: Screen) {
        for row in 0..<screen.rows {
            var column = 0
            for span in screen.lines[row] {
                var text = span.text
                // Writing the bottom-right cell would scroll the screen.
                if row == screen.rows - 1, column + CellWidth.of(text) >= screen.columns, !text.isEmpty {
                    text.removeLast()
                }
                moments_style(attributes(span.style), colors ? Int16(span.style.color.rawValue) : 0)
                var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
                _ = moments_put(Int32(row), Int32(column), &wide)
                column += CellWidth.of(span.text)
            }
        }
        moments_style(0, 0)
        if let cursor = screen.cursor {
            move(Int32(cursor.row), Int32(cursor.column))
            curs_set(1)
        } else {
            curs_set(0)
        }
        refresh()
    }

    enum Input: Equatable {
        case key(Key)
        case resize
        /// The terminal gained (true) or lost the focus.
        case focus(Bool)
        /// The terminal is gone (window closed, ssh dropped): nobody can see or type any more.
        case hangup
    }

    /// The next key, waiting at most `milliseconds`.
    func read(waiting milliseconds: Int) -> Input? {
        // A hung-up terminal makes getch fail at once, forever: without this check the loop would
        // spin at full speed in the background (SIGHUP does not always reach us, e.g. under tmux).
        var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        if poll(&input, 1, 0) > 0, input.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 { return .hangup }
        moments_timeout(Int32(milliseconds))
        var code: wint_t = 0
        let result = moments_get_key(&code)
        if result == moments_key_code_yes() {
            return Self.functionKey(Int32(bitPattern: code))
        }
        guard result != moments_err() else { return nil }
        switch code {
        case 3: return .key(.interrupt)
        case 1: return .key(.home)
        case 5: return .key(.end)
        case 8, 127: return .key(.backspace)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 0..<32: return nil
        default:
            guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
            return .key(.character(Character(scalar)))
        }
    }

    private static func functionKey(_ code: Int32) -> Input? {
        switch code {
        case focusIn: .focus(true)
        case focusOut: .focus(false)
        case KEY_RESIZE: .resize
        case KEY_UP: .key(.up)
        case KEY_DOWN: .key(.down)
        case KEY_LEFT: .key(.left)
        case KEY_RIGHT: .key(.right)
        case KEY_NPAGE: .key(.pageDown)
        case KEY_PPAGE: .key(.pageUp)
        case KEY_HOME: .key(.home)
        case KEY_END: .key(.end)
        case KEY_BACKSPACE: .key(.backspace)
        case KEY_DC: .key(.delete)
        case KEY_ENTER: .key(.enter)
        default: nil
        }
    }

    private func attributes(_ style: Style) -> Int32 {
        var value: Int32 = 0
        // Without colour, red (the unread badge, errors) is shown in reverse so it still stands out.
        if !colors, style.color == .red { value |= moments_a_reverse() }
        if style.bold { value |= moments_a_bold() }
        if style.dim { value |= moments_a_dim() }
        if style.reverse { value |= moments_a_reverse() }
        return value
    }

    private static func ncursesColor(_ color: Style.Color) -> Int16 {
        switch color {
        case .normal: -1
        case .red: Int16(COLOR_RED)
        case .green: Int16(COLOR_GREEN)
        case .yellow: Int16(COLOR_YELLOW)
        case .cyan: Int16(COLOR_CYAN)
        case .magenta: Int16(COLOR_MAGENTA)
        case .blue: Int16(COLOR_BLUE)
        }
    }
}
