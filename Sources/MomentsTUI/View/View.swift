import Foundation
import MomentsClient
import MomentsCore

/// Draws the state as a frame of text: header, body (feed, notifications or help), footer.
/// Pure (no terminal), so tests read the screen as lines. Like a Ratatui stateful widget it
/// also corrects the feed's scroll offset, which only the layout can know.
public enum View {
    /// The key hint line of a panel for a width, from the bindings in force: the most useful
    /// keys that fit, in a fixed order, and always the one that lists them all.
    public static func keyHints(_ state: AppState, width: Int) -> String {
        let keys = state.keys
        let move = (rank: 0, text: "\(keys.first(.down))/\(keys.first(.up)) move")
        func hint(_ rank: Int, _ command: Command, _ word: String) -> (rank: Int, text: String) {
            (rank, "\(keys.first(command)) \(word)")
        }
        let hints =
            switch state.panel {
            case .post:
                [
                    move, hint(1, .like, "like"), hint(2, .comment, "comment"), hint(3, .reply, "reply"),
                    hint(6, .delete, "delete"), hint(4, .back, "back"), hint(5, .quit, "quit"),
                ]
            case .friends:
                [
                    move, hint(1, .accept, "accept"), hint(2, .delete, "decline"), hint(3, .addFriend, "add"),
                    hint(6, .unfriend, "end"), hint(4, .back, "back"), hint(5, .quit, "quit"),
                ]
            default:
                [
                    move, hint(1, .open, "open"), hint(2, .like, "like"), hint(3, .comment, "comment"),
                    hint(6, .post, "post"), hint(8, .friends, "friends"),
                    hint(7, .nextUnread, "unread"), hint(4, .notifications, "notifications"), hint(5, .quit, "quit"),
                ]
            }
        let help = "\(keys.first(.help)) help"
        var room = width - CellWidth.of(help)
        var shown: Set<Int> = []
        for hint in hints.sorted(by: { $0.rank < $1.rank }) where CellWidth.of(hint.text) + 2 <= room {
            shown.insert(hint.rank)
            room -= CellWidth.of(hint.text) + 2
        }
        return (hints.filter { shown.contains($0.rank) }.map(\.text) + [help]).joined(separator: "  ")
    }

    /// The help screen's table: every command with the keys bound to it now.
    public static func helpLines(_ keys: KeyBindings) -> [(String, String)] {
        Command.allCases.map { (keys.describe($0), $0.summary) } + [
            (
                "editing",
                "←/→, Home/End, alt-b/alt-f, ctrl-w, ctrl-u; ctrl-j or alt-Enter a new line; ↑ what you sent; Enter sends; "
                    + "\(keys.describe(.audience)) in a new post: who may see it; ctrl-o: attach a picture (a path, Tab completes)"
            )
        ]
    }

    public static func render(_ state: inout AppState) -> Screen {
        var screen = Screen(rows: max(state.rows, 4), columns: max(state.columns, 20))
        header(state, into: &screen)
        if state.newPosts.isEmpty || state.panel != .feed {
            screen.set(1, [Span(String(repeating: "─", count: screen.columns), .dim)])
        } else {
            // Friends' posts that arrived live wait above the feed, on the rule.
            let count = state.newPosts.count
            let words = "\(count) new post\(count == 1 ? "" : "s") ↑ \(state.keys.first(.top))"
            screen.set(
                1,
                FeedLayout.divider(words, width: screen.columns).map { Span($0.text, Style(role: .accent, bold: true)) }
            )
        }
        var feedLines = FeedLines(state, width: screen.columns)
        // Corrected on every panel, so the feed is where it should be when it comes back.
        state.feedScroll.correct(count: state.posts.count, viewport: state.bodyRows) { feedLines.post($0).count }
        state.hitAreas = HitAreas()
        state.pictures.wanted = [:]
        switch state.panel {
        case _ where state.compose?.picker != nil:
            audiencePicker(state.compose!.picker!, friends: state.friendsScreen.lists.friends, into: &screen)
        case _ where state.compose?.mentionPicker != nil:
            mentionPicker(
                state.compose!.mentionPicker!,
                friends: MentionPicker.eligible(state.friendsScreen.lists.friends, audience: state.compose!.audience),
                into: &screen)
        case .feed:
            feed(&state, &feedLines, into: &screen)
            state.pictures.wanted = feedLines.wanted
        case .notifications: notifications(&state, into: &screen)
        case .help: help(&state, into: &screen)
        case .post: postView(&state, into: &screen)
        case .friends: friends(&state, into: &screen)
        }
        state.hitAreas.badge = badgeColumns(screen)
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
        let badge = state.unread > 0 ? [Span("  "), Span("● \(state.unread)", Style(role: .unread, bold: true))] : []
        let title = Span(" Moments ", Style(role: .accent, bold: true))
        let name = Span("· \(state.me.name)")
        let id = Span(" @\(state.me.id)")
        let warning = state.insecureTLS ? [Span("  ⚠ insecure TLS", Style(role: .warning, bold: true))] : []
        let shortWarning = state.insecureTLS ? [Span(" ⚠", Style(role: .warning, bold: true))] : []
        let symbol = Span(String(connection.text.prefix(1)), connection.style)
        // Writes the outbox has not got answered yet: the count of what is at stake, kept longest.
        let waiting =
            state.waitingWrites > 0 ? [Span("⇡ \(state.waitingWrites) waiting  ", Style(role: .warning))] : []
        let shortWaiting = state.waitingWrites > 0 ? [Span("⇡\(state.waitingWrites) ", Style(role: .warning))] : []
        let candidates: [([Span], [Span])] = [
            ([title, name, id] + warning, waiting + [connection] + badge),
            ([title, name] + warning, waiting + [connection] + badge),
            ([title, name] + shortWarning, waiting + [connection] + badge),
            ([title] + shortWarning, waiting + [connection] + badge),
            (shortWarning, waiting + [connection] + badge),
            (shortWarning, shortWaiting + [connection] + badge),
            (shortWarning, shortWaiting + [symbol] + badge),
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
        case .webSocket: Span("● websocket", Style(role: .success))
        case .longPolling: Span("◐ long-polling", Style(role: .warning))
        // Down for a while: since when, which is what a person wants to know by then.
        case .reconnecting
        where state.outage.map { state.now.timeIntervalSince($0.since) >= OfflineGap.worthTelling }
            ?? false:
            Span("○ offline since \(Dividers.clock(state.outage!.since))", Style(role: .warning))
        case .reconnecting(let at):
            Span(
                "○ reconnecting in \(max(1, Int(at.timeIntervalSince(state.now).rounded(.up))))s", Style(role: .warning)
            )
        case .tokenRejected: Span("✕ token rejected", Style(role: .error, bold: true))
        case .untrusted: Span("✕ TLS: certificate not trusted", Style(role: .error, bold: true))
        }
    }

    // MARK: body

    /// Each post's lines, laid out once per frame and only as far down as something needs them.
    struct FeedLines {
        let posts: [Post]
        let selected: Int
        let width: Int
        let now: Date
        let unread: Set<Int64>
        let refusals: [Int64: String]
        let likesWaiting: Set<Int64>
        /// Post index → the line above it.
        let dividers: [Int: String]
        let pictures: PictureBoard
        /// The pictures of the posts laid out so far, with their addresses.
        private(set) var wanted: [PictureKey: String] = [:]
        private var laidOut: [[[Span]]] = []

        init(_ state: AppState, width: Int) {
            posts = state.posts
            selected = state.selected
            now = state.now
            unread = state.unreadPostIds
            refusals = state.refusedComments
            likesWaiting = Set(state.likeSnapshots.keys)
            pictures = state.pictures
            dividers = Dividers.above(
                ids: state.posts.map(\.id), lastVisit: state.lastVisit?.postId, gap: state.gap,
                gapLastId: state.gap?.lastPostId)
            self.width = width
        }

        mutating func post(_ index: Int) -> [[Span]] {
            while laidOut.count <= index {
                let next = laidOut.count
                let marks = FeedLayout.Marks(
                    selected: next == selected, unread: unread.contains(posts[next].id),
                    lineAbove: dividers[next], likeWaiting: likesWaiting.contains(posts[next].id))
                laidOut.append(
                    FeedLayout.lines(
                        for: posts[next], width: width, marks: marks, now: now, refusals: refusals,
                        pictures: pictures, wanted: &wanted))
            }
            return laidOut[index]
        }
    }

    static func feed(_ state: inout AppState, _ feedLines: inout FeedLines, into screen: inout Screen) {
        guard !state.posts.isEmpty else {
            screen.set(3, [Span("  No posts yet. Press p to write the first one.", .dim)])
            return
        }
        let offset = state.feedScroll.offset
        var lines: [[Span]] = []
        for index in state.posts.indices {
            let first = lines.count
            lines += feedLines.post(index)
            for line in first..<lines.count where line >= offset && line < offset + state.bodyRows {
                state.hitAreas.items[2 + line - offset] = index
            }
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

    static func notifications(_ state: inout AppState, into screen: inout Screen) {
        screen.set(2, [Span(" Notifications", .bold), Span("  (Enter: open the post · n/Esc: back)", .dim)])
        guard let groups = state.notificationGroups else {
            screen.set(4, [Span("  Loading…", .dim)])
            return
        }
        guard !groups.isEmpty else {
            screen.set(4, [Span("  Nothing yet.", .dim)])
            return
        }
        // The groups, and the lines above where the last visit and the last outage ended.
        let dividers = Dividers.above(
            ids: groups.map(\.newestId), lastVisit: state.lastVisit?.eventId, gap: state.gap,
            gapLastId: state.gap?.lastEventId)
        var lines: [(index: Int?, divider: String?)] = []
        for index in groups.indices {
            if let divider = dividers[index] { lines.append((nil, divider)) }
            lines.append((index, nil))
        }
        let rows = state.bodyRows - 1
        let selectedLine = lines.firstIndex { $0.index == state.notificationSelected } ?? 0
        let first = max(0, selectedLine - rows + 1)
        for row in 0..<rows {
            let line = first + row
            guard lines.indices.contains(line) else {
                screen.set(3 + row, [])
                continue
            }
            guard let index = lines[line].index else {
                screen.set(3 + row, FeedLayout.divider(lines[line].divider ?? "", width: screen.columns))
                continue
            }
            state.hitAreas.items[3 + row] = index
            let group = groups[index]
            // The time of the newest notification of the group, when this client has it.
            let newest = state.notifications.first { $0.id == group.newestId }
            let age = newest.map { RelativeTime.describe($0.event.createdAt, now: state.now) } ?? ""
            let marker = group.unread ? Span("● ", Style(role: .unread, bold: true)) : Span("  ")
            let isSelected = index == state.notificationSelected
            let room = screen.columns - 3 - CellWidth.of(age) - 2
            let text = TextLayout.pad(sentence(for: group), to: room)
            screen.set(3 + row, [Span(" "), marker, Span(text, Style(reverse: isSelected)), Span("  " + age, .dim)])
        }
    }

    static func help(_ state: inout AppState, into screen: inout Screen) {
        let lines = helpLines(state.keys)
        let rows = state.bodyRows - 1
        state.helpOffset = min(state.helpOffset, max(0, lines.count - rows))
        let more = lines.count > rows ? "\(state.keys.first(.down))/\(state.keys.first(.up)): more · " : ""
        screen.set(
            2,
            [
                Span(" Keys", .bold),
                Span("  (\(more)config.toml's [keys] changes them; moments-tui --print-config)", .dim),
            ])
        for (row, entry) in lines.dropFirst(state.helpOffset).prefix(rows).enumerated() {
            screen.set(3 + row, [Span("  " + TextLayout.pad(entry.0, to: 20), Style(role: .accent)), Span(entry.1)])
        }
    }

    /// Where the header drew the unread badge, for a click.
    static func badgeColumns(_ screen: Screen) -> Range<Int>? {
        var column = 0
        for span in screen.lines[0] {
            let width = CellWidth.of(span.text)
            if span.style.role == .unread { return column..<(column + width) }
            column += width
        }
        return nil
    }

    // MARK: footer

    static func footer(_ state: AppState, into screen: inout Screen) {
        let inputRow = screen.rows - 2
        if let layout = state.composeLayout {
            let label = state.composeLabel
            let indent = String(repeating: " ", count: CellWidth.of(label))
            // The rows that fit, scrolled so the insertion point shows.
            let height = state.composeRows
            let first = max(0, min(layout.cursorRow - height + 1, layout.rows.count - height))
            for row in 0..<height {
                let lead = row == 0 ? Span(label, Style(role: .accent, bold: true)) : Span(indent)
                screen.set(inputRow - height + 1 + row, [lead, Span(layout.rows[first + row])])
            }
            screen.cursor = Screen.Cursor(
                row: inputRow - height + 1 + layout.cursorRow - first, column: CellWidth.of(label) + layout.cursorColumn
            )
        } else if let target = state.confirmingDelete {
            let what =
                switch target {
                case .comment: "this comment"
                case .post: "this post, with its likes and comments"
                }
            screen.set(
                inputRow, [Span(" Delete \(what)? It is gone for everyone. y/n", Style(role: .warning, bold: true))])
        } else {
            screen.set(inputRow, [Span(" " + keyHints(state, width: screen.columns - 1), .dim)])
        }
        if let message = state.message {
            let style = isError(message.notice) ? Style(role: .error) : Style(role: .success)
            screen.set(screen.rows - 1, [Span(" " + text(for: message.notice), style)])
        } else if state.refreshing {
            screen.set(screen.rows - 1, [Span(" " + refreshingText, Style(role: .success))])
        } else {
            screen.set(screen.rows - 1, [])
        }
    }
}
