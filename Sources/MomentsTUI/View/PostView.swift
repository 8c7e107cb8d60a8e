import Foundation
import MomentsCore

/// One post alone (Enter): its whole text, every liker, every comment, scrolled as a list whose
/// item 0 is the post and item `i` its `i`th comment.
extension View {
    static func postView(_ state: inout AppState, into screen: inout Screen) {
        guard let post = state.shownPost else {
            screen.set(3, [Span("  This post is no longer in the feed.", .dim)])
            return
        }
        let width = screen.columns
        let selected = state.openPost.scroll.selected
        var items = [
            postItem(
                post, selected: selected == 0, unread: state.unreadPostIds.contains(post.id), &state, width)
        ]
        for (index, comment) in post.comments.enumerated() {
            items.append(
                FeedLayout.comment(
                    comment, width: width - FeedLayout.gutter, gutter: FeedLayout.gutter(selected == index + 1),
                    refusal: state.refusedComments[comment.id]))
        }
        state.openPost.scroll.correct(count: items.count, viewport: state.bodyRows) { items[$0].count }
        var lines: [(item: Int, spans: [Span])] = []
        for (index, item) in items.enumerated() { lines += item.map { (index, $0) } }
        let offset = state.openPost.scroll.offset
        for row in 0..<state.bodyRows {
            let line = offset + row
            guard lines.indices.contains(line) else {
                screen.set(2 + row, [])
                continue
            }
            screen.set(2 + row, lines[line].spans)
            state.hitAreas.items[2 + row] = lines[line].item
        }
    }

    private static func postItem(_ post: Post, selected: Bool, unread: Bool, _ state: inout AppState, _ width: Int)
        -> [[Span]]
    {
        let gutter = FeedLayout.gutter(selected)
        let inner = max(1, width - FeedLayout.gutter)
        var lines = FeedLayout.heading(
            post, gutter: gutter, marks: .init(selected: selected, unread: unread), now: state.now)
        for line in TextLayout.wrap(post.text, width: inner) { lines.append([gutter, Span(line)]) }
        lines += PictureLayout.lines(
            post.media, inner: inner, gutter: gutter, large: true, board: state.pictures,
            wanted: &state.pictures.wanted)
        let likers = post.likers.map(\.name).joined(separator: ", ")
        let likeLines = TextLayout.wrap(
            likers.isEmpty ? "no likes yet" : "liked by " + likers, width: max(1, inner - 5))
        for (index, line) in likeLines.enumerated() {
            lines.append([gutter, index == 0 ? FeedLayout.heart(post) : Span("   "), Span(" " + line, .dim)])
        }
        let count = max(post.commentCount, post.comments.count)
        lines.append([gutter, Span(count == 0 ? "no comments yet" : "\(count) comment\(count == 1 ? "" : "s")", .bold)])
        return lines
    }
}
