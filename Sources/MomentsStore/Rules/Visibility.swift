import MomentsCore

/// Who may see what: the privacy rules of Moments, as WeChat's users know them. Each rule is
/// written here once, as a Swift predicate (for the writes deciding who is told) and as SQL
/// (for every read, replay and count, in the dialect both stores share); `VisibilityTests`
/// holds the two to the same answers.
///
/// - A post: its author; and a friend of the author (now) inside the post's audience.
/// - A like or a comment: whoever may see the post now, when its maker is them or their
///   friend (now). The author is not special. A reply, besides: only when the one it answers
///   is them or their friend too (a stranger's name is never shown through a reply).
/// - An event about either follows the same rule for its recipient, re-judged whenever a
///   friendship or an audience changes (`refresh`), so notifications, replays and unread
///   counts never show what the recipient may no longer see.
enum Visibility {
    /// Friendships, as a write read them.
    typealias AreFriends = (String, String) -> Bool

    static func maySeePost(viewer: String, author: String, audience: Audience, areFriends: AreFriends) -> Bool {
        viewer == author || (areFriends(viewer, author) && audience.admits(friend: viewer))
    }

    /// A like or a comment by `maker` on a post the viewer may (`postVisible`) or may not see.
    static func maySeeReaction(viewer: String, maker: String, postVisible: Bool, areFriends: AreFriends) -> Bool {
        postVisible && (maker == viewer || areFriends(viewer, maker))
    }

    /// A comment by `maker`, replying to `replyTo`'s comment when it is a reply.
    static func maySeeComment(
        viewer: String, maker: String, replyTo: String?, postVisible: Bool, areFriends: AreFriends
    ) -> Bool {
        maySeeReaction(viewer: viewer, maker: maker, postVisible: postVisible, areFriends: areFriends)
            && (replyTo.map { $0 == viewer || areFriends(viewer, $0) } ?? true)
    }

    // MARK: the same rules in SQL
    // Column references only, never values: each store binds the viewer its own way and passes
    // the expression that names it. The subqueries use aliases of their own (v_…).

    /// The post row `post` (columns `id`, `author_id`, `audience`) is visible to `viewer`.
    static func postSQL(_ post: String, viewer: String) -> String {
        """
        (\(post).author_id = \(viewer) OR (\(areFriendsSQL(viewer, "\(post).author_id"))
            AND (\(post).audience = 'friends'
                OR (\(post).audience = 'only' AND \(namedSQL(post, viewer)))
                OR (\(post).audience = 'except' AND NOT \(namedSQL(post, viewer))))))
        """
    }

    /// The picture row `media` (columns `owner_id`, `post_id`) may be shown to `viewer`: to its
    /// owner while no post has it, then to whoever may see its post (and to no one once the
    /// post is gone).
    static func mediaSQL(_ media: String, viewer: String) -> String {
        """
        ((\(media).post_id IS NULL AND \(media).owner_id = \(viewer))
            OR EXISTS (SELECT 1 FROM posts v_mp WHERE v_mp.id = \(media).post_id AND \(postSQL("v_mp", viewer: viewer))))
        """
    }

    /// Something made by `maker` (a like's or comment's user) may be shown to `viewer`, given the
    /// post is.
    static func makerSQL(_ maker: String, viewer: String) -> String {
        "(\(maker) = \(viewer) OR \(areFriendsSQL(viewer, maker)))"
    }

    /// The comment row `comment` (columns `author_id`, `reply_to_user`) may be shown to
    /// `viewer`, given its post is.
    static func commentSQL(_ comment: String, viewer: String) -> String {
        """
        (\(makerSQL("\(comment).author_id", viewer: viewer))
            AND (\(comment).reply_to_user IS NULL OR \(makerSQL("\(comment).reply_to_user", viewer: viewer))))
        """
    }

    /// The event row `event` (columns `type`, `actor_id`, `post_id`, `recipient_id`) may be shown
    /// to its recipient: events about a post follow the post and their maker (and a reply's,
    /// the one it answers); the others (published data, friend requests, notices of a change)
    /// always may.
    static func eventSQL(_ event: String) -> String {
        """
        (\(event).type NOT IN (\(aboutPosts)) OR EXISTS (SELECT 1 FROM posts v_p
            WHERE v_p.id = \(event).post_id AND \(postSQL("v_p", viewer: "\(event).recipient_id"))
              AND \(makerSQL("\(event).actor_id", viewer: "\(event).recipient_id"))
              AND NOT EXISTS (SELECT 1 FROM comments v_c WHERE v_c.id = \(event).comment_id
                  AND v_c.reply_to_user IS NOT NULL
                  AND NOT \(makerSQL("v_c.reply_to_user", viewer: "\(event).recipient_id")))))
        """
    }

    /// Re-judges the `hidden` mark of the events `scope` picks (a condition on `events`), for
    /// the unread counters and every read to follow: run in the transaction that changed a
    /// friendship or an audience, after the change. Only events whose mark is wrong are
    /// written.
    static func refreshSQL(scope: String) -> String {
        "UPDATE events SET hidden = NOT hidden WHERE (\(scope)) AND hidden = \(eventSQL("events"))"
    }

    /// The scope of `refreshSQL` after the friendship of the users `a` and `b` (SQL expressions)
    /// changed: in each one's stream, what the other did, what is about the other's posts, and
    /// replies to the other.
    static func friendshipScope(_ a: String, _ b: String) -> String {
        func side(_ recipient: String, _ other: String) -> String {
            """
            (recipient_id = \(recipient) AND type IN (\(aboutPosts)) AND (actor_id = \(other)
                OR post_id IN (SELECT id FROM posts WHERE author_id = \(other))
                OR comment_id IN (SELECT id FROM comments WHERE reply_to_user = \(other))))
            """
        }
        return "\(side(a, b)) OR \(side(b, a))"
    }

    /// The types of events about a post and a maker: the only ones visibility can hide.
    static let aboutPosts = EventType.sqlList(where: \.isAboutPost)

    /// Types never listed in notifications (news for live screens).
    static let unlisted = EventType.sqlList { !$0.isListed }

    private static func areFriendsSQL(_ a: String, _ b: String) -> String {
        "EXISTS (SELECT 1 FROM friendships v_f WHERE v_f.user_id = \(a) AND v_f.friend_id = \(b))"
    }

    private static func namedSQL(_ post: String, _ viewer: String) -> String {
        "EXISTS (SELECT 1 FROM post_audience v_a WHERE v_a.post_id = \(post).id AND v_a.user_id = \(viewer))"
    }
}
