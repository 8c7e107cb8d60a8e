import GRDB
import MomentsCore

/// How the embedded store makes a `StoreWrite`: in its group commit, the facts read and the
/// change made in the write's savepoint, its events handed to the sink after the commit.
extension SQLiteStore {
    /// Runs `write`; `answer` reads what the caller gets (and a key keeps) in the same
    /// transaction, given what the change made.
    func perform<T: Sendable>(
        _ write: StoreWrite, _ idempotent: Idempotent<T>?,
        answer: @escaping @Sendable (Database, ChangeOutcome) throws -> T
    ) async throws -> T {
        try await commits.write { db, stored in
            let effect = try write.decide(try Self.facts(db, write.needs))
            var outcome = ChangeOutcome(changed: true)
            if let change = effect.change { outcome = try Self.apply(change, db) }
            if outcome.changed {
                for followUp in effect.followUps { _ = try Self.apply(followUp, db) }
                stored += try outcome.complete(effect.told).map { try Self.insert($0, db) }
            }
            return try Self.keep(db, idempotent, answer(db, outcome))
        }
    }

    private static func facts(_ db: Database, _ needs: StoreWrite.Needs) throws -> StoreWrite.Facts {
        var facts = StoreWrite.Facts()
        if let post = needs.visiblePost {
            facts.postAuthor = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT p.author_id FROM posts p WHERE p.id = ?1 AND (p.author_id = ?2 OR EXISTS (
                            SELECT 1 FROM friendships f WHERE f.user_id = ?2 AND f.friend_id = p.author_id))
                        """), arguments: [post.id, post.viewer])
        }
        if let postId = needs.commentersOf {
            facts.commenters = try String.fetchAll(
                db.cachedStatement(sql: "SELECT DISTINCT author_id FROM comments WHERE post_id = ?"),
                arguments: [postId])
        }
        if let user = needs.friendsOf {
            facts.friends = try String.fetchAll(
                db.cachedStatement(sql: "SELECT friend_id FROM friendships WHERE user_id = ? ORDER BY friend_id"),
                arguments: [user])
        }
        return facts
    }

    private static func apply(_ change: RowChange, _ db: Database) throws -> ChangeOutcome {
        switch change {
        case .addPost(let author, let text):
            try db.cachedStatement(sql: "INSERT INTO posts (author_id, text, created_at) VALUES (?, ?, ?)")
                .execute(arguments: [author, text, StoreClock.now()])
            return ChangeOutcome(changed: true, postId: db.lastInsertedRowID)
        case .addLike(let postId, let user):
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO likes (post_id, user_id, created_at) VALUES (?, ?, ?)")
                .execute(arguments: [postId, user, StoreClock.now()])
        case .removeLike(let postId, let user):
            try db.cachedStatement(sql: "DELETE FROM likes WHERE post_id = ? AND user_id = ?")
                .execute(arguments: [postId, user])
        case .addComment(let postId, let author, let text):
            try db.cachedStatement(
                sql: "INSERT INTO comments (post_id, author_id, text, created_at) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [postId, author, text, StoreClock.now()])
            return ChangeOutcome(changed: true, commentId: db.lastInsertedRowID)
        case .readLikeEvents(let recipient, let liker, let postId):
            try db.cachedStatement(
                sql: """
                    UPDATE events SET read = 1
                    WHERE recipient_id = ? AND type = 'like' AND actor_id = ? AND post_id = ? AND read = 0
                    """
            ).execute(arguments: [recipient, liker, postId])
        case .readEvents(let user, let upTo):
            try db.cachedStatement(sql: "UPDATE events SET read = 1 WHERE recipient_id = ? AND id <= ? AND read = 0")
                .execute(arguments: [user, upTo])
        }
        return ChangeOutcome(changed: db.changesCount > 0)
    }

    /// Stores the draft in the write's transaction; answers it as pushed, with its recipient's
    /// unread count after it.
    private static func insert(_ draft: EventDraft, _ db: Database) throws -> StoredEvent {
        try db.cachedStatement(
            sql: """
                INSERT INTO events (recipient_id, type, actor_id, post_id, comment_id, text, data, created_at, read)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            draft.recipient, draft.type.rawValue, draft.actor, draft.postId, draft.commentId, draft.text, draft.data,
            StoreClock.now(), draft.read,
        ])
        let row = try Row.fetchOne(
            db.cachedStatement(sql: StoredEvent.select + " WHERE e.id = ?"), arguments: [db.lastInsertedRowID])!
        return event(row, to: draft.recipient, unread: try unreadCount(db, draft.recipient))
    }
}
