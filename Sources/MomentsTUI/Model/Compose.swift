/// The line at the bottom while the user writes a comment or a new post.
public struct Compose: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case comment(postId: Int64, author: String)
        case post
    }

    public var purpose: Purpose
    public var editor = LineEditor()

    public init(purpose: Purpose, editor: LineEditor = LineEditor()) {
        self.purpose = purpose
        self.editor = editor
    }
}
