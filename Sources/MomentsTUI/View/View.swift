import Foundation
import MomentsClient
import MomentsCore

/// Draws the state as a frame of text: header, body (feed, notifications or help), footer.
/// Pure (no terminal), so tests read the screen as lines. Like a Ratatui stateful widget it
/// also corrects the feed's scroll offset, which only the layout can know.
public enum View {
    public static let keyHints = "j/k move  l like  c comment  p post  n notifications  r refresh  ? help  q quit"

    public static let helpLines: [(String, String)] = [
        ("j / ↓, k / ↑", "select the next / previous post"),
        ("PgDn / PgUp", "move a screenful"),
        ("g / Home, G / End", "first / last post"),
        ("l", "like or unlike the selected post"),
        ("c", "comment on the selected post"),
        ("p", "write a new post"),
        ("n", "notifications (opening marks them read); Enter jumps to the post"),
        ("r", "reload the feed and notifications"),
        ("?", "this help"),
        ("Esc", "back to the feed; cancels editing"),
        ("q / Ctrl-C", "quit"),
        ("editing", "←/→, Home/End, Backspace, Delete; Enter sends, Esc cancels"),
    ]

    public static func render(_ state: inout AppState) -> Screen {
        var screen = Screen(rows: max(state.rows, 4), columns: max(state.columns, 20))
        header(state, into: &screen)
        screen.set(1, [Span(String(repeating: "─", count: screen.columns), .dim)])
        var feedLines = FeedLines(state, width: screen.columns)
        // Corrected on every panel, so the feed is where it should be when it comes back.
        state.feedScroll.correct(count: state.posts.count, viewport: state.bodyRows) { feedLines.post($0).count }
        switch state.panel {
        case .feed: feed(state, &feedLines, into: &screen)
        case .notifications: notifications(state, into: &screen)
        case .help: help(into: &screen)
        }
        footer(state, into: &screen)
        return screen
    }

    // MARK: header

    /// The terminal's title: the unread count first, as mail and chat clients do, so it reads
    /// in a tab or task bar.
    public static func title(_ state: AppState) -> String {
        (state.unread > 0 ? "(\(state.unread)) " : "") + "Moments · \(state.me.name)"
    }

    /// What the product exists to show goes last: as the terminal narrows the header gives up
    /// the user's id, then the insecure-TLS warning's words, then the name, then the title,
    /// then the connection's words (its symbol stays); the badge stays down to 20 columns.
    static func header(_ state: AppState, into screen: inout Screen) {
        let connection = connection(state)
        let badge = state.unread > 0 ? [Span("  "), Span("● \(state.unread)", Style(color: .red, bold: true))] : []
        let title = Span(" Moments ", Style(color: .cyan, bold: true))
        let name = Span("· \(state.me.name)")
        let id = Span(" @\(state.me.id)")
        let warning = state.insecureTLS ? [Span("  ⚠ insecure TLS", Style(color: .yellow, bold: true))] : []
        let shortWarning = state.insecureTLS ? [Span(" ⚠", Style(color: .yellow, bold: true))] : []
        let symbol = Span(String(connection.text.prefix(1)), connection.style)
        let candidates: [([Span], [Span])] = [
            ([title, name, id] + warning, [connection] + badge),
            ([title, name] + warning, [connection] + badge),
            ([title, name] + shortWarning, [connection] + badge),
            ([title] + shortWarning, [connection] + badge),
            (shortWarning, [connection] + badge),
            (shortWarning, [symbol] + badge),
        ]
        let width = { (spans: [Span]) in spans.reduce(0) { $0 + CellWidth.of($1.text) } }
        let (left, right) =
            candidates.first { width($0.0) + width($0.1) + 2 <= screen.columns } ?? candidates[candidates.count - 1]
        let gap = max(1, screen.columns - width(left) - width(right) - 1)
        screen.set(0, left + [Span(String(repeating: " ", count: gap))] + right + [Span(" ")])
    }

    static func connection(_ state: AppState) -> Span {
        switch state.connection {
        case .connecting: Span("… connecting", .dim)
        case .webSocket: Span("● websocket", Style(color: .green))
        case .longPolling: Span("◐ long-polling", Style(color: .yellow))
        case .reconnecting(let at):
            Span(
                "○ reconnecting in \(max(1, Int(at.timeIntervalSince(state.now).rounded(.up))))s", Style(color: .yellow)
            )
        case .tokenRejected: Span("✕ token rejected", Style(color: .red, bold: true))
        case .untrusted: Span("✕ TLS: certificate not trusted", Style(color: .red, bold: true))
        }
    }

    // MARK: body

    /// Each post's lines, laid out once per frame and only as far down as something needs them.
    struct FeedLines {
        let posts: [Post]
        let selected: Int
        let width: Int
        let now: Date
        private var laidOut: [[[Span]]] = []

        init(_ state: AppState, width: Int) {
            posts = state.posts
            selected = state.selected
            now = state.now
            self.width = width
        }

        mutating func post(_ index: Int) -> [[Span]] {
            while laidOut.count <= index {
                let next = laidOut.count
                laidOut.append(
                    FeedLayout.lines(for: posts[next], width: width, selected: next == selected, now: now))
            }
            return laidOut[index]
        }
    }

    static func feed(_ state: AppState, _ feedLines: inout FeedLines, into screen: inout Screen) {
        guard !state.posts.isEmpty else {
            screen.set(3, [Span("  No posts yet. Press p to write the first one.", .dim)])
            return
        }
        let offset = state.feedScroll.offset
        var lines: [[Span]] = []
        for index in state.posts.indices {
            lines += feedLines.post(index)
            if lines.count >= offset + state.bodyRows { break }
        }
        if state.nextBefore != nil, lines.count < offset + state.bodyRows {
            lines.append([Span("  loading older posts…", .dim)])
        }
        for row in 0..<state.bodyRows {
            let index = offset + row
            screen.set(2 + row, lines.indices.contains(index) ? lines[index] : [])
        }
    }

    static func notifications(_ state: AppState, into screen: inout Screen) {
        screen.set(2, [Span(" Notifications", .bold), Span("  (Enter: go to post · n/Esc: back)", .dim)])
        guard !state.notifications.isEmpty else {
            screen.set(4, [Span("  Nothing yet.", .dim)])
            return
        }
        let rows = state.bodyRows - 1
        let first = max(0, state.notificationSelected - rows + 1)
        for row in 0..<rows {
            let index = first + row
            guard state.notifications.indices.contains(index) else {
                screen.set(3 + row, [])
                continue
            }
            let notification = state.notifications[index]
            let age = RelativeTime.describe(notification.event.createdAt, now: state.now)
            let marker = notification.read ? Span("  ") : Span("● ", Style(color: .red, bold: true))
            let isSelected = index == state.notificationSelected
            let textStyle = Style(dim: notification.event.type == .unlike, reverse: isSelected)
            let room = screen.columns - 3 - CellWidth.of(age) - 2
            let text = TextLayout.pad(sentence(for: notification.event), to: room)
            screen.set(3 + row, [Span(" "), marker, Span(text, textStyle), Span("  " + age, .dim)])
        }
    }

    static func help(into screen: inout Screen) {
        screen.set(2, [Span(" Keys", .bold)])
        for (offset, entry) in helpLines.enumerated() {
            screen.set(3 + offset, [Span("  " + TextLayout.pad(entry.0, to: 20), Style(color: .cyan)), Span(entry.1)])
        }
    }

    // MARK: footer

    static func footer(_ state: AppState, into screen: inout Screen) {
        let inputRow = screen.rows - 2
        if let compose = state.compose {
            let label: String =
                switch compose.purpose {
                case .comment(_, let author): "Comment on \(author)'s post › "
                case .post: "New post › "
                }
            let window = compose.editor.window(width: screen.columns - CellWidth.of(label) - 1)
            screen.set(inputRow, [Span(label, Style(color: .cyan, bold: true)), Span(window.text)])
            screen.cursor = Screen.Cursor(row: inputRow, column: CellWidth.of(label) + window.cursorColumn)
        } else {
            // Too narrow for every key: the one that lists them all, rather than half a list.
            let hints = CellWidth.of(keyHints) + 1 <= screen.columns ? keyHints : "? help"
            screen.set(inputRow, [Span(" " + hints, .dim)])
        }
        if let message = state.message {
            let style = isError(message.notice) ? Style(color: .red) : Style(color: .green)
            screen.set(screen.rows - 1, [Span(" " + text(for: message.notice), style)])
        } else if state.refreshing {
            screen.set(screen.rows - 1, [Span(" " + refreshingText, Style(color: .green))])
        } else {
            screen.set(screen.rows - 1, [])
        }
    }
}
