import Foundation
import MomentsCore

/// How one post is laid out in the feed. `View` draws these lines and corrects the feed's
/// scroll offset from their count, so what is drawn and what is scrolled always agree.
public enum FeedLayout {
    static let gutter = 2

    public static func lines(for post: Post, width: Int, selected: Bool, now: Date) -> [[Span]] {
        let gutter = selected ? Span("┃ ", Style(color: .cyan, bold: true)) : Span("  ")
        let inner = max(1, width - Self.gutter)
        var lines: [[Span]] = []
        lines.append([
            gutter, Span(post.author.name, Style(color: selected ? .cyan : .normal, bold: true)),
            Span(" · " + RelativeTime.describe(post.createdAt, now: now), .dim),
        ])
        for line in TextLayout.wrap(post.text, width: inner) { lines.append([gutter, Span(line)]) }
        let heart = Span("♥ \(post.likeCount)", post.likedByMe ? Style(color: .red, bold: true) : .dim)
        let names = post.likers.map(\.name).joined(separator: ", ")
        lines.append([gutter, heart] + (names.isEmpty ? [] : [Span(" " + names, .dim)]))
        for comment in post.comments {
            let prefix = comment.author.name + ": "
            let wrapped = TextLayout.wrap(prefix + comment.text, width: max(1, inner - 2))
            for (index, line) in wrapped.enumerated() {
                if index == 0, line.hasPrefix(prefix) {
                    let style = comment.id < 0 ? Style.dim : Style(color: .magenta)
                    lines.append([gutter, Span("  "), Span(prefix, style), Span(String(line.dropFirst(prefix.count)))])
                } else {
                    lines.append([gutter, Span("  " + line)])
                }
            }
        }
        lines.append([])
        return lines
    }
}
