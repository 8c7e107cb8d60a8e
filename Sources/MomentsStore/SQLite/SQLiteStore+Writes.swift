import Foundation
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
            return try Self.keep(db, idempotent, answer(db, outcome), shows: write.answerShows.kept(outcome))
        }
    }

    private static func facts(_ db: Database, _ needs: StoreWrite.Needs) throws -> StoreWrite.Facts {
        var facts = StoreWrite.Facts()
        if let wanted = needs.visiblePost,
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT p.author_id, p.text, p.audience FROM posts p
                        WHERE p.id = ?1 AND \(Visibility.postSQL("p", viewer: "?2"))
                        """), arguments: [wanted.id, wanted.viewer])
        {
            let kind: String = row["audience"]
            let named =
                kind == "only" || kind == "except"
                ? try String.fetchAll(
                    db.cachedStatement(sql: "SELECT user_id FROM post_audience WHERE post_id = ? ORDER BY user_id"),
                    arguments: [wanted.id]) : []
            facts.post = PostFacts(
                id: wanted.id, author: row["author_id"], text: row["text"],
                audience: Audience(kind: row["audience"], named: named))
        }
        if let postId = needs.post {
            facts.post = try postFacts(db, postId)
            facts.touched = try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT DISTINCT recipient_id FROM events WHERE post_id = ? AND read = 0 AND hidden = 0"),
                arguments: [postId])
        }
        if let commentId = needs.comment {
            facts.comment = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT post_id, author_id, reply_to_user FROM comments WHERE id = ?"),
                arguments: [commentId]
            ).map { CommentFacts(id: commentId, postId: $0[0], author: $0[1], replyToUser: $0[2]) }
            facts.touched = try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT DISTINCT recipient_id FROM events WHERE comment_id = ? AND type = 'comment'"),
                arguments: [commentId])
        }
        if let (kind, id) = needs.tombstoneAsked(facts) {
            facts.tombstone = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT post_author, comment_author FROM tombstones WHERE kind = ? AND id = ?"),
                arguments: [kind, id]
            ).map { Tombstone(postAuthor: $0[0], commentAuthor: $0[1]) }
        }
        if let postId = needs.commentersOf {
            facts.commenters = try String.fetchAll(
                db.cachedStatement(sql: "SELECT DISTINCT author_id FROM comments WHERE post_id = ?"),
                arguments: [postId])
        }
        for user in Set(needs.friendsOf + (needs.friendsOfAuthors ? facts.authors : [])) {
            facts.friends[user] = Set(
                try String.fetchAll(
                    db.cachedStatement(sql: "SELECT friend_id FROM friendships WHERE user_id = ?"), arguments: [user]))
        }
        if needs.friendshipsAmongPostPeople, let post = facts.post, let viewer = needs.visiblePost?.viewer {
            let people = Array(Set([post.author, viewer] + facts.commenters + facts.authors))
            for person in people { facts.friends[person] = [] }
            let places = Array(repeating: "?", count: people.count).joined(separator: ", ")
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT user_id, friend_id FROM friendships WHERE user_id IN (\(places)) AND friend_id IN (\(places))"
                ), arguments: StatementArguments(people + people))
            {
                facts.friends[row[0], default: []].insert(row[1])
            }
        }
        for user in needs.users where try fetchUser(db, user) != nil { facts.users.insert(user) }
        if let id = needs.request {
            facts.request = try fetchRequestFacts(db, "id = ?", [id]).first
        }
        if !needs.media.isEmpty {
            facts.media = try Row.fetchAll(
                db, sql: "SELECT id, owner_id, post_id FROM media WHERE id IN (SELECT value FROM json_each(?))",
                arguments: [String(decoding: try JSONEncoder().encode(needs.media), as: UTF8.self)]
            ).map { MediaFacts(id: $0["id"], owner: $0["owner_id"], postId: $0["post_id"]) }
        }
        if let (a, b) = needs.pendingBetween {
            facts.pending = try fetchRequestFacts(
                db, "state = 'pending' AND ((from_id = ?1 AND to_id = ?2) OR (from_id = ?2 AND to_id = ?1))", [a, b])
        }
        return facts
    }

    /// The post whoever may see it.
    private static func postFacts(_ db: Database, _ id: Int64) throws -> PostFacts? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT author_id, text, audience FROM posts WHERE id = ?"), arguments: [id])
        else { return nil }
        let named = try String.fetchAll(
            db.cachedStatement(sql: "SELECT user_id FROM post_audience WHERE post_id = ? ORDER BY user_id"),
            arguments: [id])
        return PostFacts(
            id: id, author: row["author_id"], text: row["text"], audience: Audience(kind: row["audience"], named: named)
        )
    }

    private static func fetchRequestFacts(_ db: Database, _ condition: String, _ arguments: StatementArguments)
        throws -> [StoreWrite.RequestFacts]
    {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT id, from_id, to_id, state FROM friend_requests WHERE \(condition)"),
            arguments: arguments
        ).map { row in
            StoreWrite.RequestFacts(
                id: row["id"], from: row["from_id"], to: row["to_id"], state: .init(rawValue: row["state"]) ?? .declined
            )
        }
    }

    private static func apply(_ change: RowChange, _ db: Database) throws -> ChangeOutcome {
        switch change {
        case .addPost(let author, let text, let audience, let media):
            try db.cachedStatement(sql: "INSERT INTO posts (author_id, text, created_at, audience) VALUES (?, ?, ?, ?)")
                .execute(arguments: [author, text, StoreClock.now(), audience.kind])
            let postId = db.lastInsertedRowID
            try name(audience, of: postId, db)
            try attach(media, to: postId, owner: author, db)
            return ChangeOutcome(changed: true, postId: postId)
        case .setAudience(let postId, let audience):
            try db.cachedStatement(sql: "UPDATE posts SET audience = ? WHERE id = ?")
                .execute(arguments: [audience.kind, postId])
            try db.cachedStatement(sql: "DELETE FROM post_audience WHERE post_id = ?").execute(arguments: [postId])
            try name(audience, of: postId, db)
            return ChangeOutcome(changed: true, postId: postId)
        case .addLike(let postId, let user):
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO likes (post_id, user_id, created_at) VALUES (?, ?, ?)")
                .execute(arguments: [postId, user, StoreClock.now()])
        case .removeLike(let postId, let user):
            try db.cachedStatement(sql: "DELETE FROM likes WHERE post_id = ? AND user_id = ?")
                .execute(arguments: [postId, user])
        case .addComment(let postId, let author, let text, let replyTo):
            try db.cachedStatement(
                sql: """
                    INSERT INTO comments (post_id, author_id, text, created_at, reply_to_id, reply_to_user)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [postId, author, text, StoreClock.now(), replyTo?.commentId, replyTo?.user])
            return ChangeOutcome(changed: true, commentId: db.lastInsertedRowID)
        case .deleteComment(let comment, let postAuthor):
            try db.cachedStatement(sql: "DELETE FROM comments WHERE id = ?").execute(arguments: [comment.id])
            guard db.changesCount > 0 else { return .none }
            try db.execute(
                sql: Erasure.comment,
                arguments: ["comment": comment.id, "post": comment.postId, "gone": Data(StoredAnswer.gone.body)])
            try bury(kind: "comment", id: comment.id, postAuthor: postAuthor, commentAuthor: comment.author, db)
            return ChangeOutcome(changed: true, postId: comment.postId, commentId: comment.id)
        case .deletePost(let postId, let author):
            try db.execute(sql: Erasure.postRows, arguments: ["post": postId, "now": StoreClock.now()])
            try db.cachedStatement(sql: "DELETE FROM posts WHERE id = ?").execute(arguments: [postId])
            guard db.changesCount > 0 else { return .none }
            try releaseMedia(where: "post_id = ?", [postId], db)
            try db.execute(sql: Erasure.post, arguments: ["post": postId, "gone": Data(StoredAnswer.gone.body)])
            try bury(kind: "post", id: postId, postAuthor: author, commentAuthor: nil, db)
            return ChangeOutcome(changed: true, postId: postId)
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
        case .addRequest(let from, let to, let note):
            try db.cachedStatement(
                sql: "INSERT INTO friend_requests (from_id, to_id, note, created_at) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [from, to, note, StoreClock.now()])
            return ChangeOutcome(changed: true, requestId: db.lastInsertedRowID)
        case .acceptRequest(let id, let from, let to):
            try db.cachedStatement(
                sql: "UPDATE friend_requests SET state = 'accepted' WHERE id = ? AND state = 'pending'"
            )
            .execute(arguments: [id])
            guard db.changesCount > 0 else { return .none }
            _ = try apply(.addFriendship(from, to), db)
            return ChangeOutcome(changed: true, requestId: id)
        case .declineRequest(let id):
            try db.cachedStatement(
                sql: "UPDATE friend_requests SET state = 'declined' WHERE id = ? AND state = 'pending'"
            )
            .execute(arguments: [id])
        case .readRequestEvents(let recipient, let requestId):
            try db.cachedStatement(
                sql: """
                    UPDATE events SET read = 1
                    WHERE recipient_id = ? AND request_id = ? AND type = 'friend_request' AND read = 0
                    """
            ).execute(arguments: [recipient, requestId])
        case .addFriendship(let a, let b):
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO friendships (user_id, friend_id) VALUES (?, ?), (?, ?)")
                .execute(arguments: [a, b, b, a])
        case .removeFriendship(let a, let b):
            try db.cachedStatement(
                sql:
                    "DELETE FROM friendships WHERE (user_id = ?1 AND friend_id = ?2) OR (user_id = ?2 AND friend_id = ?1)"
            ).execute(arguments: [a, b])
        case .refreshFriendship(let a, let b):
            try db.cachedStatement(sql: Visibility.refreshSQL(scope: Visibility.friendshipScope(":a", ":b")))
                .execute(arguments: ["a": a, "b": b])
        case .refreshPost(let postId):
            try db.cachedStatement(sql: Visibility.refreshSQL(scope: "post_id = :post"))
                .execute(arguments: ["post": postId])
        }
        return ChangeOutcome(changed: db.changesCount > 0)
    }

    private static func bury(kind: String, id: Int64, postAuthor: String, commentAuthor: String?, _ db: Database)
        throws
    {
        try db.cachedStatement(
            sql: "INSERT INTO tombstones (kind, id, post_author, comment_author, deleted_at) VALUES (?, ?, ?, ?, ?)"
        ).execute(arguments: [kind, id, postAuthor, commentAuthor, StoreClock.now()])
    }

    /// The users an audience names, kept for the post.
    private static func name(_ audience: Audience, of postId: Int64, _ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO post_audience (post_id, user_id) VALUES (?, ?)")
        for user in audience.named { try insert.execute(arguments: [postId, user]) }
    }

    /// Stores the draft in the write's transaction; answers it as pushed, with its recipient's
    /// unread count after it.
    private static func insert(_ draft: EventDraft, _ db: Database) throws -> StoredEvent {
        try db.cachedStatement(
            sql: """
                INSERT INTO events (
                    recipient_id, type, actor_id, post_id, comment_id, request_id, text, data, created_at, read)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            draft.recipient, draft.type.rawValue, draft.actor, draft.postId, draft.commentId, draft.requestId,
            draft.text, draft.data, StoreClock.now(), draft.read,
        ])
        let row = try Row.fetchOne(
            db.cachedStatement(sql: StoredEvent.select + " WHERE e.id = ?"), arguments: [db.lastInsertedRowID])!
        return event(row, to: draft.recipient, unread: try unreadCount(db, draft.recipient))
    }
}

/// The embedded store's SQL of what a delete erases besides the row itself (`RowChange`).
private enum Erasure {
    /// A comment's (`:comment` of `:post`): replies lose the link, its notices their words and
    /// their count; the kept answer that made it is `gone`, those showing its post are dropped.
    static let comment = """
        UPDATE comments SET reply_to_id = NULL WHERE reply_to_id = :comment;
        UPDATE events SET text = NULL, read = 1 WHERE comment_id = :comment AND type = 'comment';
        UPDATE idempotency_keys SET fingerprint = '', status = 410, body = :gone, post_id = NULL, comment_id = NULL
        WHERE comment_id = :comment;
        DELETE FROM idempotency_keys WHERE post_id = :post AND comment_id IS NULL AND made = 0;
        """
    /// What hangs on a post (`:post`), removed before it; its comments leave tombstones, so
    /// deleting one again is answered as done (`:now`).
    static let postRows = """
        INSERT OR IGNORE INTO tombstones (kind, id, post_author, comment_author, deleted_at)
        SELECT 'comment', c.id, p.author_id, c.author_id, :now FROM comments c JOIN posts p ON p.id = c.post_id
        WHERE c.post_id = :post;
        DELETE FROM likes WHERE post_id = :post;
        DELETE FROM comments WHERE post_id = :post;
        DELETE FROM post_audience WHERE post_id = :post;
        """
    /// A post's, after it is removed: every event about it loses its words and its count.
    static let post = """
        UPDATE events SET text = NULL, read = 1 WHERE post_id = :post AND (text IS NOT NULL OR read = 0);
        UPDATE idempotency_keys SET fingerprint = '', status = 410, body = :gone, post_id = NULL, comment_id = NULL
        WHERE post_id = :post AND made = 1;
        DELETE FROM idempotency_keys WHERE post_id = :post;
        """
}
