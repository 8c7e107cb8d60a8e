import MomentsCore

/// An event as both stores select it (`EventRecord.select`, then a WHERE), before it becomes
/// the wire `Event`: the one place that knows the columns and what each means.
struct EventRecord {
    var id: Int64
    var type: String
    var actorId: String?
    var actorName: String?
    var postId: Int64?
    var postText: String?
    var commentId: Int64?
    var text: String?
    var data: String?
    var createdAt: Int64
    var read: Bool

    /// In this column order; the actor's name and the post's text come from joins.
    static let select = """
        SELECT e.id, e.type, e.actor_id, a.name AS actor_name, e.post_id, p.text AS post_text,
               e.comment_id, e.text, e.data, e.created_at, e.read
        FROM events e LEFT JOIN users a ON a.id = e.actor_id LEFT JOIN posts p ON p.id = e.post_id
        """

    /// The event for a stream, with the recipient's unread count as it is now; `data` stays text.
    func delivery(to recipient: String, unread: Int) -> Delivery {
        Delivery(recipient: recipient, event: event(unread: unread), data: data)
    }

    /// As the notifications list answers it: with whether it was read, `data` still text.
    func entry(unread: Int) -> NotificationListing.Entry {
        NotificationListing.Entry(event: event(unread: unread), data: data, read: read)
    }

    private func event(unread: Int) -> Event {
        Event(
            id: id, type: EventType(rawValue: type) ?? .like,
            actor: actorId.map { UserSummary(id: $0, name: actorName ?? $0) },
            postId: postId, postExcerpt: postText.map(PostExcerpt.of), text: text, commentId: commentId,
            createdAt: StoreClock.date(createdAt), unread: unread)
    }
}

/// What an event shows of its post: the first 40 characters (39 and "…" when longer).
enum PostExcerpt {
    static func of(_ text: String) -> String {
        text.count <= 40 ? text : String(text.prefix(39)) + "…"
    }
}
