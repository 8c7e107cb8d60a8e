import Foundation
import MomentsCore

/// A committed event of one user's stream, as the store reads it back: what every push and
/// every read (replay, poll, the notifications list) starts from.
public struct StoredEvent: Sendable, Equatable {
    /// An event's type as stored. One this build does not know (written by a newer node) is
    /// kept and replayed under its own name, never read as another: clients skip it, and their
    /// cursor still moves past it.
    public enum Kind: Sendable, Equatable {
        case known(EventType)
        case unknown(String)

        init(stored name: String) {
            self = EventType(rawValue: name).map(Kind.known) ?? .unknown(name)
        }

        public var name: String {
            switch self {
            case .known(let type): type.rawValue
            case .unknown(let name): name
            }
        }
    }

    public var recipient: String
    /// Store-wide and strictly increasing: the resume cursor.
    public var id: Int64
    public var kind: Kind
    public var actor: UserSummary?
    public var postId: Int64?
    /// What the event shows of its post (`PostExcerpt`).
    public var postExcerpt: String?
    public var text: String?
    public var commentId: Int64?
    /// Whom a reply's `comment` event answers.
    public var replyTo: ReplyTo?
    /// The friend request a `friend_request` or `friend_accepted` is about.
    public var requestId: Int64?
    /// A `custom` event's data as the JSON text it was published (and stored) as: pushed and
    /// listed as given, never decoded on the way (decoding turned `1.0` into `1`).
    public var data: String?
    public var createdAt: Date
    /// Whether the recipient has read it (the notifications list says so).
    public var read: Bool
    /// The recipient's unread count as read with it.
    public var unread: Int

    /// Its type, if this build knows it.
    public var type: EventType? {
        guard case .known(let type) = kind else { return nil }
        return type
    }

    public init(
        recipient: String, id: Int64, kind: Kind, actor: UserSummary? = nil, postId: Int64? = nil,
        postExcerpt: String? = nil, text: String? = nil, commentId: Int64? = nil, replyTo: ReplyTo? = nil,
        requestId: Int64? = nil, data: String? = nil, createdAt: Date, read: Bool = false, unread: Int
    ) {
        self.recipient = recipient
        self.id = id
        self.kind = kind
        self.actor = actor
        self.postId = postId
        self.postExcerpt = postExcerpt
        self.text = text
        self.commentId = commentId
        self.replyTo = replyTo
        self.requestId = requestId
        self.data = data
        self.createdAt = createdAt
        self.read = read
        self.unread = unread
    }
}

extension StoredEvent {
    /// The columns both stores select an event with (then a WHERE, which must leave out
    /// `e.hidden` events unless it is pushing what was just committed), in this order; the
    /// actor's name and the post's text come from joins. Only events about a post carry its
    /// text: those are the ones `Visibility` hides when the post is not the recipient's to see
    /// (a `post_hidden` event, about such a post, tells nothing of it but its id). A reply's
    /// `comment` event says whom it answers from the comment itself: gone with it.
    static let select = """
        SELECT e.id, e.type, e.actor_id, a.name AS actor_name, e.post_id,
               CASE WHEN e.type IN (\(EventType.sqlList(where: \.isAboutPost))) THEN p.text END AS post_text,
               e.comment_id, e.request_id, e.text, e.data, e.created_at, e.read,
               c.reply_to_id, c.reply_to_user, r.name AS reply_to_name
        FROM events e LEFT JOIN users a ON a.id = e.actor_id LEFT JOIN posts p ON p.id = e.post_id
             LEFT JOIN comments c ON c.id = e.comment_id AND e.type = 'comment'
             LEFT JOIN users r ON r.id = c.reply_to_user
        """

    /// The condition that leaves out of the notifications list what was deleted since (its
    /// events stay in the stream, without its words).
    static let stillThere = "(e.post_id IS NULL OR p.id IS NOT NULL) AND (e.type <> 'comment' OR c.id IS NOT NULL)"

    /// One row of `select`, for `recipient` whose unread count is `unread`.
    init(
        recipient: String, unread: Int, id: Int64, type: String, actorId: String?, actorName: String?,
        postId: Int64?, postText: String?, commentId: Int64?, requestId: Int64?, text: String?, data: String?,
        createdAt: Int64, read: Bool, replyToId: Int64?, replyToUser: String?, replyToName: String?
    ) {
        self.init(
            recipient: recipient, id: id, kind: Kind(stored: type),
            actor: actorId.map { UserSummary(id: $0, name: actorName ?? $0) }, postId: postId,
            postExcerpt: postText.map(PostExcerpt.of), text: text, commentId: commentId,
            replyTo: replyToUser.map {
                ReplyTo(commentId: replyToId, user: UserSummary(id: $0, name: replyToName ?? $0))
            },
            requestId: requestId,
            data: data,
            createdAt: StoreClock.date(createdAt), read: read, unread: unread)
    }
}

/// What an event shows of its post: the first 40 characters (39 and "…" when longer).
enum PostExcerpt {
    static func of(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(39)) + "…"
    }
}

extension StoredEvent {
    /// The stored form of a wire event (its `data` as compact JSON text): what the encoder
    /// tests and the fuzzer compare `EventJSON` with `JSONEncoder` on.
    package init(_ event: Event, recipient: String = "someone", read: Bool = false) {
        self.init(
            recipient: recipient, id: event.id, kind: .known(event.type), actor: event.actor ?? event.user,
            postId: event.postId, postExcerpt: event.postExcerpt, text: event.text, commentId: event.commentId,
            replyTo: event.replyTo, requestId: event.requestId,
            data: event.data.map { String(decoding: try! WireCoding.makeEncoder().encode($0), as: UTF8.self) },
            createdAt: event.createdAt, read: read, unread: event.unread)
    }
}

extension EventType {
    /// The types that satisfy `condition`, as an SQL list of literals: `'like', 'post'`.
    static func sqlList(where condition: (EventType) -> Bool) -> String {
        allCases.filter(condition).map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}
