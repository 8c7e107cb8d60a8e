import Foundation

/// The compose field's text laid out in rows of a width, wrapped by cells (CJK and emoji take
/// two) and at its own line breaks, with the row and column of the insertion point.
extension LineEditor {
    public struct Layout: Equatable, Sendable {
        public var rows: [String]
        public var cursorRow: Int
        public var cursorColumn: Int
    }

    public func layout(width: Int) -> Layout {
        let room = max(2, width)
        var rows = [""]
        var used = 0
        var cursorAt = (row: 0, column: 0)
        for (index, character) in characters.enumerated() {
            if index == cursor { cursorAt = (rows.count - 1, used) }
            if character == "\n" {
                rows.append("")
                used = 0
                continue
            }
            let cells = CellWidth.of(character)
            if used + cells > room {
                rows.append("")
                used = 0
                if index == cursor { cursorAt = (rows.count - 1, 0) }
            }
            rows[rows.count - 1].append(character)
            used += cells
        }
        if cursor == characters.count {
            // At the end of a full row the cursor goes to the start of the next.
            if used >= room {
                rows.append("")
                used = 0
            }
            cursorAt = (rows.count - 1, used)
        }
        return Layout(rows: rows, cursorRow: cursorAt.row, cursorColumn: cursorAt.column)
    }
}

extension AppState {
    /// At most this many rows for the compose field; longer text scrolls within them.
    static let composeRowLimit = 5

    var composeLabel: String {
        switch compose?.attaching?.stage {
        case .path: return "Picture (a file; Tab completes, Esc: none) › "
        case .alt(let path): return "Alt text for \((path as NSString).lastPathComponent) › "
        case nil: break
        }
        return switch compose?.purpose {
        case .comment(_, _, let replyTo?): "Reply to \(replyTo.user.name) › "
        case .comment(_, let author, nil): "Comment on \(author)'s post › "
        case .post: "New post\(postSettings) › "
        case .friendRequest: "Add friend (id, then a note) › "
        case nil: ""
        }
    }

    /// Who may see the post being written and whom it reminds, when not the plain default.
    private var postSettings: String {
        guard let compose else { return "" }
        var parts: [String] = []
        if compose.audience != .friends { parts.append(AudiencePicker.describe(compose.audience, names: friendNames)) }
        if !compose.mentions.isEmpty {
            parts.append("reminds " + compose.mentions.map { friendNames[$0] ?? $0 }.joined(separator: ", "))
        }
        if !compose.pictures.isEmpty {
            parts.append("📷 \(compose.pictures.count) picture\(compose.pictures.count == 1 ? "" : "s")")
        }
        return parts.isEmpty ? "" : " (\(parts.joined(separator: " · ")))"
    }

    /// The compose field's text as it is drawn: a width beside the label.
    var composeLayout: LineEditor.Layout? {
        compose.map {
            ($0.attaching?.editor ?? $0.editor).layout(width: max(2, columns - CellWidth.of(composeLabel) - 1))
        }
    }

    /// How many rows the compose field takes (1 when closed).
    var composeRows: Int { min(Self.composeRowLimit, composeLayout?.rows.count ?? 1) }
}
