import Foundation
import MomentsCore

/// How one post is laid out in the feed, and the pieces the post view shares. `View` draws
/// these lines and corrects the scroll offset from their count, so what is drawn and what is
/// scrolled always agree.
public enum FeedLayout {
    static let gutter = 2
    /// The feed shows a post's latest comments only; the post view (Enter) shows them all.
    public static let commentsShown = 3
    public static let newSinceText = "new since you were last here"

    /// What marks a post or line besides its text.
    public struct Marks: Equatable, Sendable {
        public var selected = false
        /// Likes or comments on it are unread.
        public var unread = false
        /// The line above it ("new since you were last here", "offline 14:02–14:37 · 3 new").
        public var lineAbove: String?
        /// The user's like or unlike of it has not been answered yet.
        public var likeWaiting = false

        public init(selected: Bool = false, unread: Bool = false, lineAbove: String? = nil, likeWaiting: Bool = false) {
            self.selected = selected
            self.unread = unread
            self.lineAbove = lineAbove
            self.likeWaiting = likeWaiting
        }
    }

    /// - Parameter refusals: why the server refused comments of the user's, by placeholder id.
    public static func lines(
        for post: Post, width: Int, marks: Marks, now: Date, refusals: [Int64: String] = [:]
    ) -> [[Span]] {
        var wanted: [PictureKey: String] = [:]
        return lines(
            for: post, width: width, marks: marks, now: now, refusals: refusals, pictures: PictureBoard(),
            wanted: &wanted)
    }

    /// The same, with the post's pictures as `pictures` has them; adds the ones it shows to
    /// `wanted`.
    static func lines(
        for post: Post, width: Int, marks: Marks, now: Date, refusals: [Int64: String], pictures: PictureBoard,
        wanted: inout [PictureKey: String]
    ) -> [[Span]] {
        let gutter = gutter(marks.selected)
        let inner = max(1, width - Self.gutter)
        var lines: [[Span]] = marks.lineAbove.map { [divider($0, width: width)] } ?? []
        lines += heading(post, gutter: gutter, marks: marks, now: now)
        for line in TextLayout.wrap(post.text, width: inner) { lines.append([gutter, Span(line)]) }
        lines += PictureLayout.lines(
            post.media, inner: inner, gutter: gutter, large: false, board: pictures, wanted: &wanted)
        let heart = self.heart(post)
        let names = post.likers.map(\.name).joined(separator: ", ")
        let waiting = marks.likeWaiting ? [Span("  " + sendingText, Style(dim: true, underline: true))] : []
        lines.append([gutter, heart] + (names.isEmpty ? [] : [Span(" " + names, .dim)]) + waiting)
        // The feed carries the latest comments; the count says how many there are in all
        // (the user's own, still being sent, counted too).
        let total = post.commentCount + post.comments.count { $0.id < 0 }
        let hidden = max(total, post.comments.count) - min(commentsShown, post.comments.count)
        if hidden > 0 { lines.append([gutter, Span("  … \(hidden) more", .dim)]) }
        for comment in post.comments.suffix(commentsShown) {
            lines += self.comment(comment, width: inner, gutter: gutter, refusal: refusals[comment.id])
        }
        lines.append([])
        return lines
    }

    static func gutter(_ selected: Bool) -> Span {
        selected ? Span("┃ ", Style(role: .accent, bold: true)) : Span("  ")
    }

    /// The author, the age, and the unread mark.
    static func heading(_ post: Post, gutter: Span, marks: Marks, now: Date) -> [[Span]] {
        [
            [
                gutter, Span(post.author.name, Style(role: marks.selected ? .accent : .normal, bold: true)),
                Span(" · " + RelativeTime.describe(post.createdAt, now: now), .dim),
            ] + (post.audienceLimited ? [Span(" · " + limitedMark, .dim)] : [])
                + (marks.unread ? [Span("  ● new", Style(role: .unread, bold: true))] : [])
        ]
    }

    static func heart(_ post: Post) -> Span {
        Span("♥ \(post.likeCount)", post.likedByMe ? Style(role: .like, bold: true) : .dim)
    }

    static let sendingText = "sending…"

    /// A post not shared with all the author's friends (its author chose who may see it).
    static let limitedMark = "🔒 limited"

    /// A comment, indented under its post. One the server has not stored yet is dimmed and says
    /// it is being sent; one it refused says why, and the keys that settle it.
    static func comment(_ comment: Comment, width inner: Int, gutter: Span, refusal: String? = nil) -> [[Span]] {
        // A reply names whom it answers: "Bob → Carol: …".
        let prefix = comment.author.name + (comment.replyTo.map { " → " + $0.user.name } ?? "") + ": "
        let waiting = comment.id < 0
        let wrapped = TextLayout.wrap(prefix + comment.text, width: max(1, inner - 2))
        var lines: [[Span]] = wrapped.enumerated().map { index, line in
            if index == 0, line.hasPrefix(prefix) {
                let style = waiting ? Style.dim : Style(role: .author)
                let text = Span(String(line.dropFirst(prefix.count)), waiting ? .dim : .plain)
                return [gutter, Span("  "), Span(prefix, style), text]
            }
            return [gutter, Span("  " + line, waiting ? .dim : .plain)]
        }
        if let refusal {
            lines.append([gutter, Span("    ✕ not sent: \(refusal) — t send again · x let go", Style(role: .error))])
        } else if waiting {
            lines[lines.count - 1].append(Span("  " + sendingText, Style(dim: true, underline: true)))
        }
        return lines
    }

    /// `──── words ────` across the width.
    static func divider(_ words: String, width: Int) -> [Span] {
        let label = " \(words) "
        let side = max(2, (width - CellWidth.of(label)) / 2)
        let rule = String(repeating: "─", count: side)
        return [Span(rule + label + rule, Style(role: .unread))]
    }
}
