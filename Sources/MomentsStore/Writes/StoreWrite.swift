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
        /// The post the write is about, and the viewer who must be able to see it (`Visibility`).
        var visiblePost: (id: Int64, viewer: String)?
        /// Whether the friendships among the post's people are read (into `Facts.friends`): its
        /// author, the viewer and its commenters (`commentersOf`). What a comment's rule asks,
        /// read as pairs: the lists of everyone's friends would grow with each friend.
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

        var isEmpty: Bool {
            visiblePost == nil && commentersOf == nil && friendsOf.isEmpty && users.isEmpty && request == nil
                && pendingBetween == nil
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
        /// The post; nil when there is no such post or the viewer may not see it.
        var post: PostFacts?
        var commenters: [String] = []
        /// Each asked user's friends (among the post's people: those of them).
        var friends: [String: Set<String>] = [:]
        /// The asked users that exist.
        var users: Set<String> = []
        var request: RequestFacts?
        var pending: [RequestFacts] = []

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
    case addPost(author: String, text: String, audience: Audience)
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
