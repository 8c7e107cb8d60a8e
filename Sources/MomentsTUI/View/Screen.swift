/// How a run of cells looks: what the text is (its role, which the theme colours) and its
/// attributes. `Terminal` maps it to ncurses attributes and colour pairs.
public struct Style: Equatable, Sendable, Hashable {
    /// What a run of text is for; `Theme` says its colour, and without colour `Terminal` shows
    /// the roles that must stand out in reverse or bold.
    public enum Role: String, Sendable, CaseIterable {
        case normal
        /// The title, the selection, key names, the compose prompt.
        case accent
        /// The unread badge and marks.
        case unread
        /// A heart the user gave.
        case like
        case error
        /// Online, and messages that something worked.
        case success
        /// Long-polling, reconnecting, insecure TLS.
        case warning
        /// Comment authors' names.
        case author
    }

    public var role: Role = .normal
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false
    /// A picture's own colours, instead of the role's.
    public var paint: Paint?
    /// Cells kept for a picture kitty's protocol draws over them: which, and which of its rows.
    public var picture: PictureMark?

    public init(
        role: Role = .normal, bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false,
        paint: Paint? = nil, picture: PictureMark? = nil
    ) {
        self.role = role
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
        self.paint = paint
        self.picture = picture
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let dim = Style(dim: true)

    /// How it shows without colour (`NO_COLOR`): what must stand out (the unread badge and
    /// marks, errors) in reverse, a heart given and the selection in bold.
    public var monochrome: Style {
        var style = self
        switch role {
        case .unread, .error: style.reverse = true
        case .like, .accent: style.bold = true
        default: break
        }
        style.role = .normal
        style.paint = nil
        return style
    }
}

/// Text in one style.
public struct Span: Equatable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .plain) {
        self.text = text
        self.style = style
    }
}

/// A full frame: exactly `rows` lines, each exactly `columns` cells wide.
public struct Screen: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public private(set) var lines: [[Span]]
    /// Where the terminal cursor shows (while editing), as (row, column).
    public var cursor: Cursor?

    public struct Cursor: Equatable, Sendable {
        public var row: Int
        public var column: Int
    }

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        lines = Array(repeating: [], count: rows)
    }

    /// Sets a row, cut or padded to the screen width; `fill` styles the padding.
    public mutating func set(_ row: Int, _ spans: [Span], fill: Style = .plain) {
        guard lines.indices.contains(row) else { return }
        var fitted: [Span] = []
        var used = 0
        for span in spans where used < columns {
            let room = columns - used
            let text = CellWidth.of(span.text) <= room ? span.text : TextLayout.truncate(span.text, to: room)
            fitted.append(Span(text, span.style))
            used += CellWidth.of(text)
        }
        if used < columns { fitted.append(Span(String(repeating: " ", count: columns - used), fill)) }
        lines[row] = fitted
    }

    /// One row as plain text, for tests and text captures.
    public func text(_ row: Int) -> String { lines[row].map(\.text).joined() }

    public var plainText: String {
        (0..<rows).map { text($0).replacingTrailingSpaces() }.joined(separator: "\n")
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
