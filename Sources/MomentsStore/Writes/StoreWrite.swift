import MomentsCore

/// A write as the domain defines it, the same for both stores: what its rule must know first,
/// and from that, whether the writer may, what it changes, which streams it touches and who is
/// told. Each store only reads the facts, applies the change and stores the events with its
/// own SQL, in its own transaction (`SQLiteStore.perform`, `PostgresStore.perform`); adding a
/// write means adding one of these in `Writes` and, per store, the SQL of any new fact or change.
struct StoreWrite: Sendable {
    var needs: Needs
    /// What a kept answer (`Idempotent`) shows: erased with what it shows when that is deleted.
    var answerShows: AnswerShows = .nothing
    /// Throws (`StoreError`) when the writer may not; else the write's effect.
    var decide: @Sendable (Facts) throws -> Effect

    /// What an answer kept under an idempotency key shows of posts and comments. A deleted
    /// post or comment takes its words out of the answers that show it: one that made it is
    /// replaced by a `410 deleted` (a repeat must not make it again), the others are dropped (a
    /// repeat does again what is idempotent anyway).
    enum AnswerShows: Sendable, Equatable {
        case nothing
        /// The post, its likes and comments (a like's or an audience's answer).
        case post(Int64)
        /// The post it made (the one the change makes).
        case madePost
        /// The comment it made (the one the change makes), on `postId`.
        case madeComment(postId: Int64)
    }

    /// What the rule reads before deciding.
    struct Needs: Sendable {
        /// The post the write is about, and the viewer who must be able to see it (`Visibility`).
        var visiblePost: (id: Int64, viewer: String)?
        /// The post read whoever may see it, with its tombstone if it was deleted, and the
        /// users with unread events about it (a delete's).
        var post: Int64?
        /// The comment read, with its tombstone if it was deleted and who was told of it.
        var comment: Int64?
        /// Whether the friends of the post's author, the comment's and the one it answers are read
        /// (who may see them, for a delete to tell).
        var friendsOfAuthors = false
        /// Whether the friendships among the post's people are read (into `Facts.friends`): its
        /// author, the viewer, its commenters (`commentersOf`) and the comment's people. What a
        /// comment's rule asks, read as pairs: the lists of everyone's friends would grow with
        /// each friend.
        var friendshipsAmongPostPeople = false
        /// The post whose commenters so far are read.
        var commentersOf: Int64?
        /// The users whose friends are read.
        var friendsOf: [String] = []
        /// The users whose existence is checked.
        var users: [String] = []
        /// The friend request read by id.
        var request: Int64?
        /// The pending friend requests between two users, either way.
        var pendingBetween: (String, String)?
        /// The pictures (by id) whose owner and post are read.
        var media: [String] = []

        var isEmpty: Bool {
            visiblePost == nil && post == nil && comment == nil && commentersOf == nil && friendsOf.isEmpty
                && users.isEmpty && request == nil
                && pendingBetween == nil && media.isEmpty
        }
    }

    /// A friend request as its rules need it.
    struct RequestFacts: Sendable, Equatable {
        enum State: String, Sendable { case pending, accepted, declined }
        var id: Int64
        var from: String
        var to: String
        var state: State
    }

    /// What was read, as `Needs` asked.
    struct Facts: Sendable {
        /// The post; nil when there is no such post, or (asked by `visiblePost`) the viewer may
        /// not see it.
        var post: PostFacts?
        var comment: CommentFacts?
        /// What is left of the asked post or comment, if it was deleted.
        var tombstone: Tombstone?
        /// Who has events about the asked comment (told of it), or unread ones about the asked
        /// post: the streams whose unread count its delete may change.
        var touched: [String] = []
        var commenters: [String] = []
        /// Each asked user's friends (among the post's people: those of them).
        var friends: [String: Set<String>] = [:]
        /// The asked users that exist.
        var users: Set<String> = []
        var request: RequestFacts?
        var pending: [RequestFacts] = []
        /// The asked pictures that exist.
        var media: [MediaFacts] = []

        /// The post, or `StoreError.notFound`.
        func visiblePost(_ id: Int64) throws -> PostFacts {
            guard let post else { throw StoreError.notFound("no post \(id)") }
            return post
        }

        /// Friendship as read: from either side's list, whichever was asked for.
        func areFriends(_ a: String, _ b: String) -> Bool {
            friends[a]?.contains(b) ?? friends[b]?.contains(a) ?? false
        }

        func friendsOf(_ user: String) -> [String] { (friends[user] ?? []).sorted() }
    }

    struct Effect: Sendable {
        /// Every stream the write may add events to or whose unread count it may change: the
        /// shared store locks them for the batch before the write runs (`BatchWrite`).
        var streams: [String]
        /// The row change. With one, the events are stored only if it changed a row (a like
        /// already there tells no one again).
        var change: RowChange?
        /// Made only if `change` changed a row, after it (a change of who may see what is
        /// followed by re-judging the events it touches).
        var followUps: [RowChange] = []
        /// Who is told, in this order. A nil post, comment or request id is the one `change` made.
        var told: [EventDraft] = []
    }
}

/// The row changes writes are made of; each store has the SQL of each.
enum RowChange: Sendable, Equatable {
    /// Makes a post, its audience's named users with it.
    case addPost(author: String, text: String, audience: Audience, media: [MediaAttachment])
    /// Changes nothing when the like is there already.
    case addLike(postId: Int64, user: String)
    /// Changes nothing when there was no like.
    case removeLike(postId: Int64, user: String)
    /// Makes a comment, a reply when `replyTo` names the comment it answers and its author.
    case addComment(postId: Int64, author: String, text: String, replyTo: ReplyTarget?)
    /// Removes the comment and its words everywhere (its events keep their place without the
    /// text, and stop counting as unread; replies to it lose the link, keep the name; kept
    /// answers showing it are erased); leaves its tombstone.
    case deleteComment(CommentFacts, postAuthor: String)
    /// Removes the post, its likes, comments, audience and pictures (their bytes go once
    /// nothing names them), and its words everywhere, as `deleteComment` does; every event
    /// about it stops counting as unread.
    case deletePost(id: Int64, author: String)
    /// `liker`'s still-unread like events of the post, in `recipient`'s stream, stop counting.
    case readLikeEvents(recipient: String, liker: String, postId: Int64)
    /// The user's events up to `id` are read.
    case readEvents(user: String, upTo: Int64)
    /// The post's audience becomes `audience`.
    case setAudience(postId: Int64, audience: Audience)
    /// Makes a pending friend request.
    case addRequest(from: String, to: String, note: String)
    /// A pending request is accepted: its two users become friends.
    case acceptRequest(id: Int64, from: String, to: String)
    /// A pending request is declined.
    case declineRequest(id: Int64)
    /// The request's notice, in its addressee's stream, stops counting as unread (answered).
    case readRequestEvents(recipient: String, requestId: Int64)
    /// Changes nothing when the two are friends already.
    case addFriendship(String, String)
    /// Changes nothing when the two were not friends.
    case removeFriendship(String, String)
    /// Re-judges what each of the two may see of the other (`Visibility.friendshipScope`).
    case refreshFriendship(String, String)
    /// Re-judges every event about the post.
    case refreshPost(Int64)
}

/// What a change did: whether it changed a row, and the post, comment or request it made.
struct ChangeOutcome: Sendable, Equatable {
    var changed: Bool
    var postId: Int64?
    var commentId: Int64?
    var requestId: Int64?

    static let none = ChangeOutcome(changed: false)

    /// The drafts with the made post, comment or request filled in where they name none.
    func complete(_ drafts: [EventDraft]) -> [EventDraft] {
        drafts.map { draft in
            var draft = draft
            draft.postId = draft.postId ?? postId
            draft.commentId = draft.commentId ?? commentId
            draft.requestId = draft.requestId ?? requestId
            return draft
        }
    }
}

extension StoreWrite.Needs {
    /// The tombstone a delete reads when what it asks for is gone: the comment's, else the post's.
    func tombstoneAsked(_ facts: StoreWrite.Facts) -> (kind: String, id: Int64)? {
        guard let post else { return nil }
        if let comment { return facts.comment == nil ? ("comment", comment) : nil }
        return facts.post == nil ? ("post", post) : nil
    }
}

extension StoreWrite.Facts {
    /// The post's author, the comment's and the one it answers, as read.
    var authors: [String] {
        [post?.author, comment?.author, comment?.replyToUser].compactMap { $0 }
    }
}

/// What a kept answer shows, as its row records it.
struct KeptShows: Sendable, Equatable {
    var postId: Int64?
    var commentId: Int64?
    /// It made the post or comment: a repeat must get `StoredAnswer.gone`, never make it again.
    var made: Bool

    static let nothing = KeptShows(made: false)
}

extension StoreWrite.AnswerShows {
    func kept(_ outcome: ChangeOutcome) -> KeptShows {
        switch self {
        case .nothing: .nothing
        case .post(let id): KeptShows(postId: id, made: false)
        case .madePost: KeptShows(postId: outcome.postId, made: true)
        case .madeComment(let postId): KeptShows(postId: postId, commentId: outcome.commentId, made: true)
        }
    }
}
