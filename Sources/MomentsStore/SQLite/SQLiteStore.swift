import Foundation
import GRDB
import Logging
import MomentsCore

/// The embedded store: one SQLite file in WAL mode.
///
/// `synchronous = NORMAL` in WAL mode: a commit reaches the OS before the call returns, so an
/// acknowledged write survives `kill -9` of the server (not a power cut; see docs/operations.md).
/// Checkpoints run every `checkpointInterval` on their own connection, not inside commits.
public final class SQLiteStore: MomentsStore {
    static let checkpointInterval: Duration = .milliseconds(200)
    /// How long a connection waits for a lock another holds.
    static let busyMilliseconds = 5000

    /// For stores nobody watches start (tests, tools): the server passes its own logger.
    public static let silent = Logger(label: "moments.store", factory: { _ in SwiftLogNoOpLogHandler() })

    let pool: any DatabaseWriter
    /// Every write goes through it: one transaction for all writes waiting, pushes after commit.
    let commits: GroupCommit
    let checkpointer: WALCheckpointer?
    /// Where pictures' bytes go: files beside the database, or (in memory) its own rows.
    let mediaFolder: MediaFolder?

    /// The store in a file (WAL mode, checkpointed on a connection of its own), upgraded to this
    /// binary's schema (`schemaSteps` fewer only for tests that play an earlier release);
    /// `committedBatch` hears how many writes each commit carried.
    public convenience init(
        path: String, sink: any EventSink, logger: Logger = SQLiteStore.silent,
        schemaSteps: Int? = nil, committedBatch: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        try self.init(
            writer: try Self.filePool(path), sink: sink,
            checkpointer: try WALCheckpointer(path: path, every: Self.checkpointInterval),
            mediaFolder: MediaFolder(beside: path), logger: logger,
            schemaSteps: schemaSteps ?? SQLiteSchema.steps.count, committedBatch: committedBatch)
    }

    /// The connections of a store in a file.
    static func filePool(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")  // WALCheckpointer does it
            // What a delete erases is overwritten in the file, not only unlinked (docs/security.md).
            try db.execute(sql: "PRAGMA secure_delete = ON")
        }
        configuration.busyMode = .timeout(Double(Self.busyMilliseconds) / 1000)
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// The store on any GRDB writer: an in-memory `DatabaseQueue()` for tests.
    public convenience init(writer: any DatabaseWriter, sink: any EventSink) throws {
        try self.init(
            writer: writer, sink: sink, checkpointer: nil, mediaFolder: nil, logger: Self.silent,
            schemaSteps: SQLiteSchema.steps.count, committedBatch: { _ in })
    }

    init(
        writer: any DatabaseWriter, sink: any EventSink, checkpointer: WALCheckpointer?, mediaFolder: MediaFolder?,
        logger: Logger,
        schemaSteps: Int, committedBatch: @escaping @Sendable (Int) -> Void
    ) throws {
        try SQLiteSchema.upgrade(writer, knowing: schemaSteps, logger: logger)
        pool = writer
        commits = GroupCommit(
            writer: writer, sink: sink, truncation: checkpointer?.truncation, committedBatch: committedBatch)
        self.checkpointer = checkpointer
        self.mediaFolder = mediaFolder
        mediaFolder?.removeStaged()
    }

    /// Closes the file now, not whenever the last reference goes: the last connection to close
    /// checkpoints and removes the WAL, which a store opened next on the same file must not meet.
    public func close() async {
        await checkpointer?.stop()
        try? pool.close()
    }

    // MARK: users

    public func isEmpty() async throws -> Bool {
        try await pool.read { db in try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM users")) == 0 }
    }

    public func saveUser(id: String, name: String?) async throws -> UserSummary {
        try await commits.write { db, _ in
            try db.cachedStatement(
                sql: """
                    INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = coalesce(?, name)
                    """
            ).execute(arguments: [id, name ?? id, StoreClock.now(), name])
            return try Self.fetchUser(db, id)!
        }
    }

    public func user(id: String) async throws -> UserSummary? {
        try await pool.read { db in try Self.fetchUser(db, id) }
    }

    public func me(_ user: String) async throws -> Me {
        try await pool.read { db in
            guard let me = try Self.fetchUser(db, user) else { throw StoreError.notFound("no user \(user)") }
            let friends = try Self.friends(db, of: user)
            let position = try Self.position(db, user)
            return Me(user: me, friends: friends, unread: position.unread, cursor: position.cursor)
        }
    }

    // MARK: posts

    public func feed(viewer: String, before: Int64?, limit: Int) async throws -> FeedPage {
        try await pool.read { db in
            let ids = try Int64.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT p.id FROM posts p
                        WHERE (p.author_id = ?1 OR p.author_id IN (SELECT friend_id FROM friendships WHERE user_id = ?1))
                          AND p.id < ?2 AND \(Visibility.postSQL("p", viewer: "?1"))
                        ORDER BY p.id DESC LIMIT ?3
                        """), arguments: [viewer, before ?? Int64.max, limit + 1])
            let page = Array(ids.prefix(limit))
            let posts = try Self.fetchPosts(db, ids: page, viewer: viewer, comments: PostAssembly.feedComments)
            return FeedPage(posts: posts, nextBefore: ids.count > limit ? page.last : nil)
        }
    }

    public func post(id: Int64, viewer: String) async throws -> Post {
        try await pool.read { db in
            guard try Self.maySeePost(db, id, viewer) else { throw StoreError.notFound("no post \(id)") }
            return try Self.fetchPosts(db, ids: [id], viewer: viewer)[0]
        }
    }

    public func createPost(
        author: String, text: String, audience: Audience, mentions: [String], media: [MediaAttachment],
        idempotent: Idempotent<Post>?
    ) async throws -> Post {
        let write = Writes.createPost(author: author, text: text, audience: audience, mentions: mentions, media: media)
        return try await perform(write, idempotent) { db, made in
            try Self.fetchPosts(db, ids: [made.postId!], viewer: author)[0]
        }
    }

    public func setAudience(author: String, postId: Int64, audience: Audience, idempotent: Idempotent<Post>?)
        async throws -> Post
    {
        try await perform(Writes.setAudience(author: author, postId: postId, audience: audience), idempotent) {
            db, _ in
            try Self.fetchPosts(db, ids: [postId], viewer: author)[0]
        }
    }

    public func like(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post {
        try await perform(Writes.like(viewer: viewer, postId: postId), idempotent) { db, _ in
            try Self.fetchPosts(db, ids: [postId], viewer: viewer)[0]
        }
    }

    public func unlike(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post {
        try await perform(Writes.unlike(viewer: viewer, postId: postId), idempotent) { db, _ in
            try Self.fetchPosts(db, ids: [postId], viewer: viewer)[0]
        }
    }

    public func comment(
        viewer: String, postId: Int64, text: String, replyTo: Int64?, idempotent: Idempotent<Comment>?
    ) async throws -> Comment {
        try await perform(Writes.comment(viewer: viewer, postId: postId, text: text, replyTo: replyTo), idempotent) {
            db, made in
            // Only the new one: the post's comments can be thousands.
            try Self.comment(
                Row.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT \(CommentSelect.columns) FROM \(CommentSelect.from) WHERE c.id = ?"),
                    arguments: [made.commentId!])!)
        }
    }

    public func deleteComment(by user: String, postId: Int64, commentId: Int64, idempotent: Idempotent<Void>?)
        async throws
    {
        try await perform(Writes.deleteComment(by: user, postId: postId, commentId: commentId), idempotent) { _, _ in }
        checkpointer?.truncateSoon()
    }

    public func deletePost(by user: String, postId: Int64, idempotent: Idempotent<Void>?) async throws {
        try await perform(Writes.deletePost(by: user, postId: postId), idempotent) { _, _ in }
        try await collectMediaFiles()
        checkpointer?.truncateSoon()
    }

    // MARK: events

    public func notifications(user: String, before: Int64?, limit: Int) async throws -> NotificationListing {
        try await pool.read { db in
            let position = try Self.position(db, user)
            let rows = try Row.fetchAll(
                db,
                sql: StoredEvent.select + """
                     WHERE e.recipient_id = ? AND e.id < ? AND NOT e.hidden AND e.type NOT IN (\(Visibility.unlisted))
                      AND \(StoredEvent.stillThere)
                    ORDER BY e.id DESC LIMIT ?
                    """,
                arguments: [user, before ?? Int64.max, limit])
            let notifications = rows.map { Self.event($0, to: user, unread: position.unread) }
            return NotificationListing(notifications: notifications, position: position)
        }
    }

    public func notificationGroups(user: String, before: Int64?, limit: Int) async throws -> GroupedNotificationPage {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: NotificationGrouping.groups),
                arguments: ["user": user, "before": before ?? Int64.max, "limit": limit + 1]
            ).map {
                NotificationGrouping.GroupRow(newestId: $0["newest_id"], people: $0["people"], unread: $0["unread"])
            }
            let position = try Self.position(db, user)
            var events: [Int64: StoredEvent] = [:]
            for row in try Row.fetchAll(
                db, sql: StoredEvent.select + " WHERE e.id IN (SELECT value FROM json_each(?)) AND NOT e.hidden",
                arguments: [Self.jsonArray(rows.map(\.newestId))])
            {
                let event = Self.event(row, to: user, unread: position.unread)
                events[event.id] = event
            }
            var likers: [Int64: [UserSummary]] = [:]
            for (id, event) in events where event.type == .like {
                likers[id] = try Row.fetchAll(
                    db.cachedStatement(sql: NotificationGrouping.likers),
                    arguments: ["user": user, "post": event.postId]
                ).map { UserSummary(id: $0[0], name: $0[1]) }
            }
            return NotificationGrouping.page(rows, limit: limit, events: events, likers: likers, position: position)
        }
    }

    public func markRead(user: String, upTo: Int64, idempotent: Idempotent<Int>?) async throws -> Int {
        try await perform(Writes.markRead(user: user, upTo: upTo), idempotent) { db, _ in
            try Self.unreadCount(db, user)
        }
    }

    /// One prepared insert per recipient and nothing read back: a broadcast to every user is
    /// one transaction of plain inserts plus two queries, however many users there are. Every
    /// statement is cached: compiling one costs more than running it (GRDB's authorizer).
    public func publish(to recipients: [String]?, data: String, idempotent: Idempotent<[Int64]>?) async throws
        -> [Int64]
    {
        try await commits.write(events: recipients?.count ?? NextBatch.cap) { db, stored in
            let users: [String]
            var unread: [String: Int] = [:]
            if let recipients {
                let known = try Set(recipients.filter { try Self.fetchUser(db, $0) != nil })
                if let unknown = NotificationRules.unknownRecipient(recipients, known: known) { throw unknown }
                users = recipients
                for user in Set(users) { unread[user] = try Self.unreadCount(db, user) }
            } else {
                users = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM users ORDER BY id"))
                for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT user_id, unread FROM unread_counts")) {
                    unread[row["user_id"]] = row["unread"]
                }
            }
            let createdAt = StoreClock.now()
            let insert = try db.cachedStatement(
                sql: "INSERT INTO events (recipient_id, type, data, created_at, read) VALUES (?, ?, ?, ?, 0)")
            let published = try NotificationRules.publish(to: users, data: data).map { draft in
                try insert.execute(arguments: [draft.recipient, draft.type.rawValue, data, createdAt])
                unread[draft.recipient, default: 0] += 1
                return StoredEvent(
                    recipient: draft.recipient, id: db.lastInsertedRowID, kind: .known(.custom), data: data,
                    createdAt: StoreClock.date(createdAt), unread: unread[draft.recipient]!)
            }
            stored += published
            return try Self.keep(db, idempotent, published.map(\.id))
        }
    }

    // MARK: friends

    public func friends(of user: String) async throws -> [UserSummary] {
        try await pool.read { db in try Self.friends(db, of: user) }
    }

    public func befriend(_ a: String, _ b: String) async throws {
        try await perform(Writes.befriend(a, b), nil) { _, _ in }
    }

    public func requestFriend(
        from: String, to: String, note: String, idempotent: Idempotent<FriendRequestOutcome>?
    ) async throws -> FriendRequestOutcome {
        try await perform(Writes.requestFriend(from: from, to: to, note: note), idempotent) { db, made in
            // The request made, or (`to` had asked first) the one accepted.
            guard let id = made.requestId, let request = try Self.fetchRequests(db, where: "r.id = ?", [id]).first,
                request.from?.id == from
            else { return .befriended }
            return .sent(request.asSent)
        }
    }

    public func friendRequests(user: String) async throws -> FriendRequests {
        try await pool.read { db in
            let pending = try Self.fetchRequests(
                db, where: "(r.to_id = ?1 OR r.from_id = ?1) AND r.state = 'pending'", [user])
            return FriendRequests(pending: pending, of: user)
        }
    }

    public func answerFriendRequest(id: Int64, by user: String, accept: Bool, idempotent: Idempotent<Bool>?)
        async throws -> Bool
    {
        try await perform(Writes.answerRequest(id: id, by: user, accept: accept), idempotent) { db, _ in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM friend_requests r JOIN friendships f
                            ON f.user_id = r.from_id AND f.friend_id = r.to_id WHERE r.id = ?)
                        """), arguments: [id]) ?? false
        }
    }

    public func unfriend(_ user: String, _ other: String, idempotent: Idempotent<Bool>?) async throws -> Bool {
        try await perform(Writes.unfriend(user, other), idempotent) { _, _ in false }
    }

    // MARK: token revocations

    public func revokeTokens(user: String, before: Int64) async throws {
        try await commits.write { db, _ in
            guard try Self.fetchUser(db, user) != nil else { throw StoreError.notFound("no user \(user)") }
            try db.cachedStatement(
                sql: """
                    INSERT INTO token_revocations (user_id, revoked_before) VALUES (?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET revoked_before = max(revoked_before, excluded.revoked_before)
                    """
            ).execute(arguments: [user, before])
        }
    }

    public func revocations(since: Int64) async throws -> [String: Int64] {
        try await pool.read { db in
            var cutoffs: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT user_id, revoked_before FROM token_revocations WHERE revoked_before >= ?"),
                arguments: [since])
            {
                cutoffs[row["user_id"]] = row["revoked_before"]
            }
            return cutoffs
        }
    }

    // MARK: idempotency keys

    public func storedAnswer(for key: IdempotencyKey, since: Int64) async throws -> StoredAnswer? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT fingerprint, status, body FROM idempotency_keys
                        WHERE scope = ? AND key = ? AND created_at >= ?
                        """), arguments: [key.scope, key.key, since]
            ).map { row in
                StoredAnswer(fingerprint: row["fingerprint"], status: row["status"], body: [UInt8](row["body"] as Data))
            }
        }
    }

    public func forgetAnswers(before cutoff: Int64) async throws {
        try await commits.write { db, _ in
            try db.cachedStatement(sql: "DELETE FROM idempotency_keys WHERE created_at < ?").execute(arguments: [cutoff]
            )
        }
    }

    /// Keeps a keyed write's answer in its transaction (an expired one under the same key is
    /// replaced); answers `result`.
    static func keep<T>(_ db: Database, _ idempotent: Idempotent<T>?, _ result: T, shows: KeptShows = .nothing)
        throws -> T
    {
        guard let idempotent else { return result }
        let answer = idempotent.stored(result)
        try db.cachedStatement(
            sql: """
                INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at, post_id, comment_id, made)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
                    body = excluded.body, created_at = excluded.created_at, post_id = excluded.post_id,
                    comment_id = excluded.comment_id, made = excluded.made
                WHERE idempotency_keys.created_at < ?
                """
        ).execute(arguments: [
            idempotent.key.scope, idempotent.key.key, answer.fingerprint, answer.status, Data(answer.body),
            StoreClock.now(), shows.postId, shows.commentId, shows.made, idempotent.expiredBefore,
        ])
        guard db.changesCount > 0 else { throw StoreError.keyTaken }
        return result
    }

    public func events(user: String, after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: StoredEvent.select
                        + " WHERE e.recipient_id = ? AND e.id > ? AND NOT e.hidden ORDER BY e.id LIMIT ?"),
                arguments: [user, cursor, limit])
            guard !rows.isEmpty else { return [] }
            let unread = try Self.unreadCount(db, user)
            return rows.map { Self.event($0, to: user, unread: unread) }
        }
    }

    public func streamPosition(user: String) async throws -> StreamPosition {
        try await pool.read { db in try Self.position(db, user) }
    }

    // MARK: helpers

    static func userSummary(_ row: Row) -> UserSummary { UserSummary(id: row["id"], name: row["name"]) }

    static func fetchUser(_ db: Database, _ id: String) throws -> UserSummary? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT id, name FROM users WHERE id = ?"), arguments: [id])
            .map(userSummary)
    }

    static func unreadCount(_ db: Database, _ user: String) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(sql: "SELECT unread FROM unread_counts WHERE user_id = ?"), arguments: [user]) ?? 0
    }

    private static func position(_ db: Database, _ user: String) throws -> StreamPosition {
        let cursor =
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT max(
                            coalesce((SELECT MAX(id) FROM events WHERE recipient_id = ?1), 0),
                            coalesce((SELECT pruned_through FROM users WHERE id = ?1), 0))
                        """),
                arguments: [user]) ?? 0
        return StreamPosition(cursor: cursor, unread: try unreadCount(db, user))
    }

    static func event(_ row: Row, to recipient: String, unread: Int) -> StoredEvent {
        StoredEvent(
            recipient: recipient, unread: unread, id: row["id"], type: row["type"], actorId: row["actor_id"],
            actorName: row["actor_name"], postId: row["post_id"], postText: row["post_text"],
            commentId: row["comment_id"], requestId: row["request_id"], text: row["text"], data: row["data"],
            createdAt: row["created_at"], read: row["read"], replyToId: row["reply_to_id"],
            replyToUser: row["reply_to_user"], replyToName: row["reply_to_name"])
    }

    static func friends(_ db: Database, of user: String) throws -> [UserSummary] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT u.id, u.name FROM friendships f JOIN users u ON u.id = f.friend_id
                    WHERE f.user_id = ? ORDER BY u.id
                    """), arguments: [user]
        ).map(Self.userSummary)
    }

    static func maySeePost(_ db: Database, _ id: Int64, _ viewer: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT EXISTS (SELECT 1 FROM posts p WHERE p.id = ?1 AND \(Visibility.postSQL("p", viewer: "?2")))"
            ), arguments: [id, viewer]) ?? false
    }

    /// Friend requests with both sides, newest first.
    private static func fetchRequests(_ db: Database, where condition: String, _ arguments: StatementArguments)
        throws -> [FriendRequest]
    {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT r.id, r.from_id, f.name AS from_name, r.to_id, t.name AS to_name, r.note, r.created_at
                    FROM friend_requests r JOIN users f ON f.id = r.from_id JOIN users t ON t.id = r.to_id
                    WHERE \(condition) ORDER BY r.id DESC
                    """), arguments: arguments
        ).map { row in
            FriendRequest(
                id: row["id"], from: UserSummary(id: row["from_id"], name: row["from_name"]),
                to: UserSummary(id: row["to_id"], name: row["to_name"]), note: row["note"],
                createdAt: StoreClock.date(row["created_at"]))
        }
    }

    /// The comments the viewer may see on the posts, oldest first: the latest `limit` of each.
    private static func fetchComments(_ db: Database, postIds list: String, viewer: String, limit: Int) throws
        -> [PostAssembly.CommentRow]
    {
        guard limit < .max else {
            // All of them (a post alone, a write's answer): no window to count them in.
            return try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(CommentSelect.columns) FROM \(CommentSelect.from)
                        WHERE c.post_id IN (SELECT value FROM json_each(?1))
                          AND \(Visibility.commentSQL("c", viewer: "?2"))
                        ORDER BY c.id
                        """), arguments: [list, viewer]
            ).map { PostAssembly.CommentRow(comment: comment($0), total: nil) }
        }
        return try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM (
                        SELECT \(CommentSelect.columns),
                               ROW_NUMBER() OVER (PARTITION BY c.post_id ORDER BY c.id DESC) AS n,
                               COUNT(*) OVER (PARTITION BY c.post_id) AS total
                        FROM \(CommentSelect.from)
                        WHERE c.post_id IN (SELECT value FROM json_each(?1))
                          AND \(Visibility.commentSQL("c", viewer: "?2"))
                    ) WHERE n <= ?3 ORDER BY id
                    """), arguments: [list, viewer, limit]
        ).map { row in
            PostAssembly.CommentRow(comment: comment(row), total: row["total"])
        }
    }

    private static func comment(_ row: Row) -> Comment {
        Comment(
            id: row["id"], postId: row["post_id"], author: UserSummary(id: row["author_id"], name: row["name"]),
            text: row["text"], createdAt: StoreClock.date(row["created_at"]),
            replyTo: (row["reply_to_user"] as String?).map {
                ReplyTo(commentId: row["reply_to_id"], user: UserSummary(id: $0, name: row["reply_to_name"]))
            })
    }

    /// Posts in the order of `ids` (each one the viewer may see), with the likes and the latest
    /// `comments` comments the viewer may see, and their pictures: four queries (five with the
    /// viewer's own audience lists).
    private static func fetchPosts(_ db: Database, ids: [Int64], viewer: String, comments: Int = .max) throws
        -> [Post]
    {
        guard !ids.isEmpty else { return [] }
        let list = jsonArray(ids)
        let likers = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT l.post_id, u.id, u.name FROM likes l JOIN users u ON u.id = l.user_id
                    WHERE l.post_id IN (SELECT value FROM json_each(?1))
                      AND \(Visibility.makerSQL("l.user_id", viewer: "?2"))
                    ORDER BY l.created_at, l.rowid
                    """), arguments: [list, viewer]
        ).map { PostAssembly.LikerRow(postId: $0["post_id"], liker: userSummary($0)) }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT p.id, p.author_id, u.name, p.text, p.created_at, p.audience
                    FROM posts p JOIN users u ON u.id = p.author_id
                    WHERE p.id IN (SELECT value FROM json_each(?))
                    """), arguments: [list]
        ).map { row in
            PostAssembly.PostRow(
                id: row["id"], author: UserSummary(id: row["author_id"], name: row["name"]), text: row["text"],
                createdAt: row["created_at"], audience: row["audience"])
        }
        let listed = PostAssembly.namedListsWanted(rows, viewer: viewer)
        let named =
            listed.isEmpty
            ? []
            : try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT post_id, user_id FROM post_audience
                        WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, user_id
                        """), arguments: [jsonArray(listed)]
            ).map { PostAssembly.NamedRow(postId: $0["post_id"], user: $0["user_id"]) }
        let media = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT post_id, id, alt, width, height FROM media
                    WHERE post_id IN (SELECT value FROM json_each(?)) ORDER BY post_id, position
                    """), arguments: [list]
        ).map {
            PostAssembly.MediaRow(
                postId: $0["post_id"],
                media: PostMedia(id: $0["id"], alt: $0["alt"], width: $0["width"], height: $0["height"]))
        }
        return PostAssembly.posts(
            ids: ids, rows: rows, likers: likers,
            comments: try fetchComments(db, postIds: list, viewer: viewer, limit: comments), named: named,
            media: media, viewer: viewer)
    }

    private static func jsonArray(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
