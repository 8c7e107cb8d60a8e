import MomentsCore

/// The field at the bottom while the user writes a comment or a new post.
public struct Compose: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        /// `replyTo`: the comment it answers.
        case comment(postId: Int64, author: String, replyTo: ReplyTo? = nil)
        case post
        /// A friend request: the user id, then a note.
        case friendRequest
    }

    public var purpose: Purpose
    public var editor = LineEditor()
    /// Who may see the post being written.
    public var audience: Audience = .friends
    /// Open while the user picks the audience (Tab).
    public var picker: AudiencePicker?
    /// The friends the post reminds of it, by id.
    public var mentions: [String] = []
    /// Open while the user picks them (@).
    public var mentionPicker: MentionPicker?
    /// The pictures the post carries, in order (Ctrl-O adds one).
    public var pictures: [PictureDraft] = []
    /// Open while the user attaches one: its path, then its alt text.
    public var attaching: PictureAttach?
    /// While ↑ and ↓ walk what was sent: how far back (1 is the newest), and what was typed.
    private var recalled: (back: Int, typed: LineEditor)?

    public init(purpose: Purpose, editor: LineEditor = LineEditor()) {
        self.purpose = purpose
        self.editor = editor
    }

    /// `↑` in an empty field (or on a recalled entry) brings back what was sent before, `↓` goes
    /// forward again; otherwise they move between the lines; other keys edit.
    public mutating func update(_ key: Key, history: [String]) {
        switch key {
        case .up:
            if editor.moveLine(-1), recalled == nil { return }
            let back = (recalled?.back ?? 0) + 1
            guard (recalled != nil || editor.characters.isEmpty), back <= history.count else { return }
            recalled = (back, recalled?.typed ?? editor)
            editor = LineEditor(history[history.count - back])
        case .down:
            if editor.moveLine(1), recalled == nil { return }
            guard let (back, typed) = recalled else { return }
            recalled = back > 1 ? (back - 1, typed) : nil
            editor = back > 1 ? LineEditor(history[history.count - back + 1]) : typed
        default:
            editor.update(key)
            recalled = nil
        }
    }

    public static func == (lhs: Compose, rhs: Compose) -> Bool {
        lhs.purpose == rhs.purpose && lhs.editor == rhs.editor && lhs.recalled?.back == rhs.recalled?.back
            && lhs.audience == rhs.audience && lhs.picker == rhs.picker && lhs.mentions == rhs.mentions
            && lhs.mentionPicker == rhs.mentionPicker && lhs.pictures == rhs.pictures && lhs.attaching == rhs.attaching
    }
}
