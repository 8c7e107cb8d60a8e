import CNCurses
import Foundation

/// The only code that talks to ncurses. Owned by one thread: the UI loop's.
final class Terminal {
    /// False under `NO_COLOR` / `--no-color`: no colour escapes at all.
    private let colors: Bool
    /// The colours pictures are drawn in: what the terminal says it has.
    let depth: ColorDepth
    /// Colour pairs made for pictures' cells, from `firstPicturePair` on.
    private var paintPairs: [Paint: Int32] = [:]
    private static let firstPicturePair: Int32 = 64

    init(colors: Bool, theme: Theme = .standard, mouse: Bool = false) {
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
            // One pair a role, numbered as the roles are; the terminal gets the nearest colour it has.
            for (pair, role) in Style.Role.allCases.enumerated() where role != .normal {
                init_extended_pair(Int32(pair), Int32(theme.color(role).number(available: Int(moments_colors()))), -1)
            }
        }
        depth = ColorDepth(colors: Int(moments_colors()))
        curs_set(0)
        if mouse { moments_mouse_on() }
        // The terminal's focus reports (`ESC [ I`, `ESC [ O`) and the marks around pasted text
        // (`ESC [ 200~` … `ESC [ 201~`) read as keys of their own.
        define_key("\u{1B}[I", Self.focusIn)
        define_key("\u{1B}[O", Self.focusOut)
        define_key("\u{1B}[200~", Self.pasteStart)
        define_key("\u{1B}[201~", Self.pasteEnd)
        // Keep the window title the terminal had, to give it back at the end (xterm's title
        // stack); ask for focus reports (xterm's mode 1004), so notifications wait for the
        // user to look away, and for bracketed paste (mode 2004), so pasted text stays whole.
        Self.send("\u{1B}[22;0t\u{1B}[?1004h\u{1B}[?2004h")
    }

    func close() {
        Self.send("\u{1B}[?2004l\u{1B}[?1004l")
        endwin()
        Self.send("\u{1B}[23;0t")
    }

    /// Key codes for the focus reports, past ncurses' own.
    private static let focusIn = KEY_MAX + 1
    private static let focusOut = KEY_MAX + 2
    private static let pasteStart = KEY_MAX + 3
    private static let pasteEnd = KEY_MAX + 4

    /// The window (or tab) title, e.g. `(3) Moments · Alice`, so the unread count shows while the
    /// terminal is in the background.
    func setTitle(_ title: String) {
        Self.send("\u{1B}]2;\(title.withoutControlCharacters)\u{07}")
    }

    /// Beside ncurses, which has flushed its frame by now (`refresh`): the title, focus
    /// reporting, a notification's escape (`Notifier`).
    static func send(_ escape: String) {
        guard !escape.isEmpty else { return }
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
                let style = colors ? span.style : span.style.monochrome
                if let paint = style.paint {
                    moments_style_pair(Self.attributes(style), pair(paint))
                } else {
                    moments_style(Self.attributes(style), Self.pair(style.role))
                }
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
        case mouse(MouseEvent)
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
        guard let (result, code) = Self.next() else { return nil }
        if result == moments_key_code_yes() {
            switch code {
            case Self.pasteStart: return .key(.paste(readPaste()))
            case moments_key_mouse(): return readMouse()
            default: return Self.functionKey(code)
            }
        }
        if code == 27 {
            // Esc and a key at once is Alt and that key (terminals send Alt-x so).
            moments_timeout(0)
            guard let (result, next) = Self.next() else { return .key(.escape) }
            // Esc, then a function key (an arrow, a resize, a report): each is its own.
            guard result != moments_key_code_yes() else {
                ungetch(next)
                return .key(.escape)
            }
            if next == 10 || next == 13 { return .key(.newline) }
            return Unicode.Scalar(UInt32(next)).map { .key(.alt(Character($0))) } ?? .key(.escape)
        }
        return Self.key(code)
    }

    /// The next code from ncurses: whether it is a function key (`KEY_CODE_YES`) and its code.
    private static func next() -> (Int32, Int32)? {
        var code: wint_t = 0
        let result = moments_get_key(&code)
        return result == moments_err() ? nil : (result, Int32(bitPattern: code))
    }

    private static func key(_ code: Int32) -> Input? {
        if code == 127 { return .key(.backspace) }
        if (0..<32).contains(code) { return Key.control(code: UInt32(code)).map { .key($0) } }
        return Unicode.Scalar(UInt32(code)).map { .key(.character(Character($0))) }
    }

    /// What was pasted, up to the terminal's end mark (or a pause: a mark lost on the way must
    /// not swallow what is typed next).
    private func readPaste() -> String {
        var text = ""
        moments_timeout(200)
        var previous: Int32 = 0
        while let (result, code) = Self.next() {
            defer { previous = code }
            if result == moments_key_code_yes() {
                if code == Self.pasteEnd { break }
                continue
            }
            switch code {
            case 10 where previous == 13: break  // CR LF is one line break
            case 10, 13: text.append("\n")
            default: if let scalar = Unicode.Scalar(UInt32(code)) { text.unicodeScalars.append(scalar) }
            }
        }
        return text
    }

    private func readMouse() -> Input? {
        var row: Int32 = 0
        var column: Int32 = 0
        let kind: MouseEvent.Kind? =
            switch moments_read_mouse(&row, &column) {
            case 1: .click
            case 2: .wheelUp
            case 3: .wheelDown
            default: nil
            }
        return kind.map { .mouse(MouseEvent($0, row: Int(row), column: Int(column))) }
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

    private static func attributes(_ style: Style) -> Int32 {
        var value: Int32 = 0
        if style.bold { value |= moments_a_bold() }
        if style.dim { value |= moments_a_dim() }
        if style.reverse { value |= moments_a_reverse() }
        if style.underline { value |= moments_a_underline() }
        return value
    }

    /// The pair for a picture cell's colours, made the first time they are asked for. When the
    /// terminal has no pairs left, they are made again from the first (the frame after shows
    /// the right colours).
    private func pair(_ paint: Paint) -> Int32 {
        if let pair = paintPairs[paint] { return pair }
        var next = Self.firstPicturePair + Int32(paintPairs.count)
        if next >= moments_color_pairs() {
            paintPairs = [:]
            next = Self.firstPicturePair
        }
        init_extended_pair(next, Int32(bitPattern: paint.foreground), Int32(bitPattern: paint.background))
        paintPairs[paint] = next
        return next
    }

    private static func pair(_ role: Style.Role) -> Int16 {
        Int16(Style.Role.allCases.firstIndex(of: role) ?? 0)
    }
}
