import MomentsCore

/// The friends screen: requests to answer first, then those waiting for an answer, then the
/// friends; and the question before a friendship ends.
extension View {
    static func friends(_ state: inout AppState, into screen: inout Screen) {
        let keys = state.keys
        let screenState = state.friendsScreen
        let help =
            "  (\(keys.first(.accept)) accept · \(keys.first(.delete)) decline · \(keys.first(.addFriend)) add · "
            + "\(keys.first(.unfriend)) end friendship · \(keys.first(.back)): back)"
        screen.set(2, [Span(" Friends", .bold), Span(help, .dim)])
        if let friend = screenState.confirmingEnd {
            screen.set(
                3,
                [
                    Span(
                        "  End your friendship with \(friend.name)? Neither of you will see the other's posts, likes "
                            + "or comments. y/n", Style(role: .warning, bold: true))
                ])
        }
        let rows = screenState.rows
        guard !rows.isEmpty else {
            let words =
                screenState.loading ? "  Loading…" : "  No friends yet. Press \(keys.first(.addFriend)) to ask someone."
            screen.set(4, [Span(words, .dim)])
            return
        }
        let height = state.bodyRows - 2
        let first = max(0, screenState.selected - height + 1)
        for row in 0..<height {
            let index = first + row
            guard rows.indices.contains(index) else {
                screen.set(4 + row, [])
                continue
            }
            state.hitAreas.items[4 + row] = index
            let selected = index == screenState.selected
            let line: [Span] =
                switch rows[index] {
                case .incoming(let request):
                    [
                        Span("● ", Style(role: .unread, bold: true)),
                        Span("\(request.from?.name ?? "?") (@\(request.from?.id ?? "?")) asks to be your friend"),
                    ] + (request.note.isEmpty ? [] : [Span(": " + request.note, .dim)])
                case .outgoing(let request):
                    [Span("  "), Span("asked \(request.to?.name ?? "?") (@\(request.to?.id ?? "?")) — waiting", .dim)]
                case .friend(let friend):
                    [Span("  "), Span(friend.name, .bold), Span(" @\(friend.id)", .dim)]
                }
            let room = screen.columns - 1
            let text = TextLayout.pad(line.map(\.text).joined(), to: room)
            screen.set(4 + row, selected ? [Span(" "), Span(text, Style(reverse: true))] : [Span(" ")] + line)
        }
    }

    /// Who may see the post being written: the four choices, then the friends to pick.
    static func mentionPicker(_ picker: MentionPicker, friends: [UserSummary], into screen: inout Screen) {
        screen.set(2, [Span(" Remind whom of this post?", .bold), Span("  (Space: pick · @: back to the text)", .dim)])
        guard !friends.isEmpty else {
            screen.set(4, [Span("  No friend may see this post.", .dim)])
            return
        }
        for (offset, friend) in friends.enumerated() where 3 + offset < screen.rows - 2 {
            let picked = picker.picked.contains(friend.id)
            let line = [Span(picked ? "  [x] " : "  [ ] "), Span(friend.name), Span(" @\(friend.id)", .dim)]
            screen.set(3 + offset, offset == picker.selected ? line.map { Span($0.text, Style(reverse: true)) } : line)
        }
    }

    static func audiencePicker(_ picker: AudiencePicker, friends: [UserSummary], into screen: inout Screen) {
        screen.set(
            2, [Span(" Who may see this post?", .bold), Span("  (Space: choose · Tab: back to the text)", .dim)])
        var lines: [[Span]] = AudiencePicker.Choice.allCases.map { choice in
            [Span(picker.choice == choice ? "  (•) " : "  ( ) "), Span(choice.words)]
        }
        lines.append([Span("  ── friends ──", .dim)])
        for friend in friends {
            let picked = picker.picked.contains(friend.id)
            lines.append([Span(picked ? "  [x] " : "  [ ] "), Span(friend.name), Span(" @\(friend.id)", .dim)])
        }
        // The friends' rows come after the divider line.
        let selectedLine =
            picker.selected < AudiencePicker.Choice.allCases.count ? picker.selected : picker.selected + 1
        for (offset, line) in lines.enumerated() where 3 + offset < screen.rows - 2 {
            let spans = offset == selectedLine ? line.map { Span($0.text, Style(reverse: true)) } : line
            screen.set(3 + offset, spans)
        }
    }
}
