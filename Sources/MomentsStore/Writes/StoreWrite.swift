import MomentsCore

/// A write as the domain defines it, the same for both stores: what its rule must know first,
/// and from that, whether the writer may, what it changes, which streams it touches and who is
/// told. Each store only reads the facts, applies the change and stores the events with its
/// own SQL, in its own transaction (`SQLiteStore.perform`, `PostgresStore.perform`); adding a
/// write means adding one of these in `Writes` and, per store, the SQL of any new fact or change.
struct StoreWrite: Sendable {
    var needs: Needs
    /// Throws (`StoreError`) when the writer may not; else the write's effect.
    var decide: @Sendable (Facts) throws -> Effect

    /// What the rule reads before deciding.
    struct Needs: Sendable {
        /// The post the write is about, and the viewer who must be able to see it: its author
        /// is read. Authors never change, so the shared store reads it once, when it plans.
        var visiblePost: (id: Int64, viewer: String)?
        /// The post whose commenters so far are read.
        var commentersOf: Int64?
        /// The user whose friends are read.
        var friendsOf: String?

        var isEmpty: Bool { visiblePost == nil && commentersOf == nil && friendsOf == nil }
    }

    /// What was read, as `Needs` asked.
    struct Facts: Sendable {
        /// The post's author; nil when there is no such post or the viewer may not see it.
        var postAuthor: String?
        var commenters: [String] = []
        var friends: [String] = []

        /// The post's author, or `StoreError.notFound`.
        func visiblePost(_ id: Int64) throws -> String {
            guard let postAuthor else { throw StoreError.notFound("no post \(id)") }
            return postAuthor
        }
    }

    struct Effect: Sendable {
        /// Every stream the write may add events to or whose unread count it may change: the
        /// shared store locks them for the batch before the write runs (`BatchWrite`).
        var streams: [String]
        /// The row change. With one, the events are stored only if it changed a row (a like
        /// already there tells no one again).
        var change: RowChange?
        /// Made only if `change` changed a row, before the events are stored.
        var followUps: [RowChange] = []
        /// Who is told, in this order. A nil post or comment id is the one `change` made.
        var told: [EventDraft] = []
    }
}

/// The row changes writes are made of; each store has the SQL of each.
enum RowChange: Sendable, Equatable {
    /// Makes a post.
    case addPost(author: String, text: String)
    /// Changes nothing when the like is there already.
    case addLike(postId: Int64, user: String)
    /// Changes nothing when there was no like.
    case removeLike(postId: Int64, user: String)
    /// Makes a comment.
    case addComment(postId: Int64, author: String, text: String)
    /// `liker`'s still-unread like events of the post, in `recipient`'s stream, stop counting.
    case readLikeEvents(recipient: String, liker: String, postId: Int64)
    /// The user's events up to `id` are read.
    case readEvents(user: String, upTo: Int64)
}

/// What a change did: whether it changed a row, and the post or comment it made.
struct ChangeOutcome: Sendable, Equatable {
    var changed: Bool
    var postId: Int64?
    var commentId: Int64?

    static let none = ChangeOutcome(changed: false)

    /// The drafts with the made post or comment filled in where they name none.
    func complete(_ drafts: [EventDraft]) -> [EventDraft] {
        drafts.map { draft in
            var draft = draft
            draft.postId = draft.postId ?? postId
            draft.commentId = draft.commentId ?? commentId
            return draft
        }
    }
}
