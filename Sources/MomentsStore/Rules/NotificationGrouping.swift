import Foundation
import MomentsCore

/// The notifications list grouped as people read it: the likes of one post are one group
/// (counting the people whose like is still there), every other listed notification a group
/// of its own; unlikes, retractions, are left out. The same SQL for both stores (named
/// parameters `:user`, `:before`, `:limit`).
enum NotificationGrouping {
    /// One row per group, newest first: its newest event's id, how many people liked (for likes)
    /// and whether any of it is unread (1 or 0).
    static let groups = """
        SELECT max(e.id) AS newest_id, count(DISTINCT e.actor_id) AS people,
               max(CASE WHEN e.read THEN 0 ELSE 1 END) AS unread
        FROM events e LEFT JOIN posts p ON p.id = e.post_id
             LEFT JOIN comments c ON c.id = e.comment_id AND e.type = 'comment'
        WHERE e.recipient_id = :user AND NOT e.hidden AND e.type NOT IN (\(Visibility.unlisted))
          AND e.type <> 'unlike' AND \(StoredEvent.stillThere)
          AND (e.type <> 'like' OR EXISTS (SELECT 1 FROM likes l WHERE l.post_id = e.post_id AND l.user_id = e.actor_id))
        GROUP BY CASE WHEN e.type = 'like' THEN -e.post_id ELSE e.id END
        HAVING max(e.id) < :before
        ORDER BY newest_id DESC LIMIT :limit
        """

    /// The people whose like of `:post` the user was told of and who still like it, newest
    /// first, at most three.
    static let likers = """
        SELECT e.actor_id, a.name FROM events e JOIN users a ON a.id = e.actor_id
        WHERE e.recipient_id = :user AND e.type = 'like' AND e.post_id = :post AND NOT e.hidden
          AND EXISTS (SELECT 1 FROM likes l WHERE l.post_id = e.post_id AND l.user_id = e.actor_id)
        GROUP BY e.actor_id, a.name ORDER BY max(e.id) DESC LIMIT 3
        """

    struct GroupRow {
        var newestId: Int64
        var people: Int
        var unread: Bool
    }

    /// The group `row` whose newest event is `newest`; `likers` for a group of likes.
    static func group(_ row: GroupRow, newest: StoredEvent, likers: [UserSummary]) -> NotificationGroup? {
        guard let type = newest.type else { return nil }
        let isLikes = type == .like
        return NotificationGroup(
            type: type, postId: newest.postId, postExcerpt: newest.postExcerpt,
            actors: isLikes ? likers : newest.actor.map { [$0] } ?? [], count: isLikes ? row.people : 1,
            newestId: row.newestId, unread: row.unread, text: newest.text, commentId: newest.commentId,
            requestId: newest.requestId, replyTo: newest.replyTo,
            data: newest.data.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) })
    }

    /// The page of `rows` (read with `limit + 1`), each put together, and where the next starts.
    static func page(
        _ rows: [GroupRow], limit: Int, events: [Int64: StoredEvent], likers: [Int64: [UserSummary]],
        position: StreamPosition
    ) -> GroupedNotificationPage {
        let shown = rows.prefix(limit)
        let groups = shown.compactMap { row in
            events[row.newestId].flatMap { group(row, newest: $0, likers: likers[row.newestId] ?? []) }
        }
        return GroupedNotificationPage(
            groups: groups, unread: position.unread, cursor: position.cursor,
            nextBefore: rows.count > limit ? shown.last?.newestId : nil)
    }
}
