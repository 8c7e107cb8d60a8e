import Foundation
import Logging
import MomentsCore
import NIOConcurrencyHelpers
import PostgresNIO

/// The shared store for several nodes: PostgreSQL through postgres-nio's connection pool.
///
/// Writes that create events or change unread counts go through `PostgresGroupCommit`: they
/// NOTIFY `moments_events` in their batch's transaction (delivered on commit, in commit order);
/// every node's `PostgresFanout` turns that into pushes. Queries are parameterised through
/// `PostgresQuery` interpolation only.
public final class PostgresStore: MomentsStore {
    static let channel = "moments_events"

    let pool: PostgresPool
    let address: PostgresAddress
    let commits: PostgresGroupCommit
    /// Users seen to exist: users are never removed, so a publish to them needs no check.
    private let knownUsers = NIOLockedValueBox(Set<String>())
    private let logger: Logger
    private let runner: Task<Void, Never>

    /// Connects, starts the pool and brings the schema up to date.
    /// `committedBatch` is told each group commit's number of writes; a request waits at most
    /// `connectionWait` for a connection.
    public static func open(
        _ address: PostgresAddress, connectionWait: Duration = .seconds(10), logger: Logger,
        committedBatch: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> PostgresStore {
        // One plain connection first: the pool would keep retrying an unreachable server for a
        // minute; a person starting a node wants to hear at once.
        do {
            let probe = try await PostgresConnection.connect(
                configuration: try address.connectionConfiguration, id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw ConfigurationError("cannot connect to \(address): \(PostgresPool.reason(error))")
        }
        let store = PostgresStore(
            address: address, connectionWait: connectionWait, logger: logger, committedBatch: committedBatch)
        do {
            try await PostgresSchema.migrate(store.pool, logger: logger)
        } catch {
            await store.close()
            throw ConfigurationError("cannot use \(address): \(PostgresPool.reason(error))")
        }
        return store
    }

    private init(
        address: PostgresAddress, connectionWait: Duration, logger: Logger,
        committedBatch: @escaping @Sendable (Int) -> Void
    ) {
        self.address = address
        self.logger = logger
        // The pool logs every failed attempt; failures that matter reach callers as errors.
        var quiet = logger
        quiet.logLevel = .error
        let client = PostgresClient(configuration: address.clientConfiguration, backgroundLogger: quiet)
        pool = PostgresPool(client: client, wait: connectionWait)
        commits = PostgresGroupCommit(pool: pool, channel: Self.channel, logger: logger, committedBatch: committedBatch)
        runner = Task { await client.run() }
    }

    public func close() async {
        runner.cancel()
        await runner.value
    }

    /// A setting every node shares (the token secret, the publish key): kept in the database,
    /// `proposal` from whichever node asks first.
    public func sharedSetting(_ key: String, proposal: String) async throws -> String {
        try await pool.run(
            "INSERT INTO settings (key, value) VALUES (\(key), \(proposal)) ON CONFLICT (key) DO NOTHING",
            logger: logger)
        let value = try await pool.withConnection { connection -> String? in
            for try await value in try await connection.query(
                "SELECT value FROM settings WHERE key = \(key)", logger: self.logger
            ).decode(String.self) {
                return value
            }
            return nil
        }
        guard let value else { throw ConfigurationError("the setting \(key) vanished from \(address)") }
        return value
    }

    // MARK: users

    public func isEmpty() async throws -> Bool {
        try await pool.withConnection {
            try await Self.count($0.query("SELECT COUNT(*) FROM users", logger: self.logger))
        }
            == 0
    }

    public func saveUser(id: String, name: String?) async throws -> UserSummary {
        let now = StoreClock.now()
        return try await pool.withConnection { connection in
            let rows = try await connection.query(
                """
                INSERT INTO users (id, name, created_at) VALUES (\(id), \(name ?? id), \(now))
                ON CONFLICT (id) DO UPDATE SET name = coalesce(\(name), users.name)
                RETURNING id, name
                """, logger: self.logger)
            for try await (id, name) in rows.decode((String, String).self) { return UserSummary(id: id, name: name) }
            throw StoreError.notFound("no user \(id)")
        }
    }

    public func user(id: String) async throws -> UserSummary? {
        try await pool.withConnection { try await Self.fetchUser($0, id, logger: self.logger) }
    }

    public func befriend(_ a: String, _ b: String) async throws {
        try await transaction { connection in
            for id in [a, b] where try await Self.fetchUser(connection, id, logger: self.logger) == nil {
                throw StoreError.notFound("no user \(id)")
            }
            try await connection.query(
                """
                INSERT INTO friendships (user_id, friend_id) VALUES (\(a), \(b)), (\(b), \(a))
                ON CONFLICT DO NOTHING
                """, logger: self.logger)
        }
    }

    public func me(_ user: String) async throws -> Me {
        try await pool.withConnection { connection in
            guard let me = try await Self.fetchUser(connection, user, logger: self.logger) else {
                throw StoreError.notFound("no user \(user)")
            }
            var friends: [UserSummary] = []
            for try await (id, name) in try await connection.query(
                """
                SELECT u.id, u.name FROM friendships f JOIN users u ON u.id = f.friend_id
                WHERE f.user_id = \(user) ORDER BY u.id
                """, logger: self.logger
            ).decode((String, String).self) {
                friends.append(UserSummary(id: id, name: name))
            }
            let position = try await Self.position(connection, user, logger: self.logger)
            return Me(user: me, friends: friends, unread: position.unread, cursor: position.cursor)
        }
    }

    // MARK: posts

    public func feed(viewer: String, before: Int64?, limit: Int) async throws -> FeedPage {
        try await pool.withConnection { connection in
            var ids: [Int64] = []
            for try await id in try await connection.query(
                """
                SELECT id FROM posts
                WHERE (author_id = \(viewer) OR author_id IN (SELECT friend_id FROM friendships WHERE user_id = \(viewer)))
                  AND id < \(before ?? Int64.max)
                ORDER BY id DESC LIMIT \(limit + 1)
                """, logger: self.logger
            ).decode(Int64.self) {
                ids.append(id)
            }
            let page = Array(ids.prefix(limit))
            let posts = try await Self.fetchPosts(connection, ids: page, viewer: viewer, logger: self.logger)
            return FeedPage(posts: posts, nextBefore: ids.count > limit ? page.last : nil)
        }
    }

    public func createPost(author: String, text: String, idempotent: Idempotent<Post>?) async throws -> Post {
        // The friends' streams get the post (a live feed), so they are locked like any stream written.
        let plan: @Sendable () async throws -> (streams: [String], plan: Void) = {
            (try await self.pool.withConnection { try await Self.friendIds($0, of: author, logger: self.logger) }, ())
        }
        return try await commits.write(plan: plan) { write, _ in
            // Read again under the locks: a friend made since the plan is planned for again.
            let friends = try await Self.friendIds(write.connection, of: author, logger: self.logger)
            try write.require(friends)
            let id = try await Self.insertPost(write.connection, author: author, text: text, logger: self.logger)
            _ = try await write.insert(NotificationRules.post(author: author, friends: friends, postId: id, text: text))
            let post = try await Self.fetchPosts(write.connection, ids: [id], viewer: author, logger: self.logger)[0]
            if let idempotent { try await self.keep(write, idempotent, post) }
            return post
        }
    }

    private static func friendIds(_ connection: PostgresConnection, of user: String, logger: Logger) async throws
        -> [String]
    {
        var friends: [String] = []
        for try await id in try await connection.query(
            "SELECT friend_id FROM friendships WHERE user_id = \(user) ORDER BY friend_id", logger: logger
        ).decode(String.self) {
            friends.append(id)
        }
        return friends
    }

    private static func insertPost(_ connection: PostgresConnection, author: String, text: String, logger: Logger)
        async throws -> Int64
    {
        for try await id in try await connection.query(
            "INSERT INTO posts (author_id, text, created_at) VALUES (\(author), \(text), \(StoreClock.now())) RETURNING id",
            logger: logger
        ).decode(Int64.self) {
            return id
        }
        throw StoreError.notFound("post not created")
    }

    public func like(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post {
        let kept = try await commits.write(plan: planOnPost(postId, viewer: viewer)) { write, author -> Post? in
            guard let draft = NotificationRules.like(author: author, liker: viewer, postId: postId) else {
                try await write.connection.query(
                    """
                    INSERT INTO likes (post_id, user_id, created_at) VALUES (\(postId), \(viewer), \(StoreClock.now()))
                    ON CONFLICT DO NOTHING
                    """, logger: self.logger)
                return try await self.keep(write, idempotent) { try await self.post(postId, viewer: viewer, in: write) }
            }
            try write.require([draft.recipient])
            // One statement (one round trip in the batch): the event only if the like is new.
            var stored: [(id: Int64, recipient: String)] = []
            for try await row in try await write.connection.query(
                """
                WITH liked AS (
                    INSERT INTO likes (post_id, user_id, created_at) VALUES (\(postId), \(viewer), \(StoreClock.now()))
                    ON CONFLICT DO NOTHING RETURNING post_id)
                INSERT INTO events (recipient_id, type, actor_id, post_id, created_at, read)
                SELECT \(draft.recipient), \(draft.type.rawValue), \(draft.actor), post_id, \(StoreClock.now()), false
                FROM liked
                RETURNING id, recipient_id
                """, logger: self.logger
            ).decode((Int64, String).self) {
                stored.append(row)
            }
            write.stored(stored)
            return try await self.keep(write, idempotent) { try await self.post(postId, viewer: viewer, in: write) }
        }
        if let kept { return kept }
        return try await post(postId, viewer: viewer)
    }

    public func unlike(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post {
        let kept = try await commits.write(plan: planOnPost(postId, viewer: viewer)) { write, author -> Post? in
            let deleted = try await Self.count(
                write.connection.query(
                    """
                    WITH deleted AS (DELETE FROM likes WHERE post_id = \(postId) AND user_id = \(viewer) RETURNING 1)
                    SELECT COUNT(*) FROM deleted
                    """, logger: self.logger))
            if deleted > 0, let draft = NotificationRules.unlike(author: author, liker: viewer, postId: postId) {
                try await write.connection.query(
                    """
                    UPDATE events SET read = true
                    WHERE recipient_id = \(author) AND type = 'like' AND actor_id = \(viewer)
                      AND post_id = \(postId) AND NOT read
                    """, logger: self.logger)
                _ = try await write.insert([draft])
            }
            return try await self.keep(write, idempotent) { try await self.post(postId, viewer: viewer, in: write) }
        }
        if let kept { return kept }
        return try await post(postId, viewer: viewer)
    }

    public func comment(viewer: String, postId: Int64, text: String, idempotent: Idempotent<Comment>?) async throws
        -> Comment
    {
        let plan: @Sendable () async throws -> (streams: [String], plan: String) = {
            try await self.pool.withConnection { connection in
                let author = try await Self.visiblePostAuthor(
                    connection, postId: postId, viewer: viewer, logger: self.logger)
                let earlier = try await Self.commenters(connection, postId: postId, logger: self.logger)
                return ([author] + earlier, author)
            }
        }
        let (commentId, kept) = try await commits.write(plan: plan) { write, author -> (Int64, Comment?) in
            // Read again under the locks: whoever commented since the plan is told too.
            let earlierCommenters = try await Self.commenters(write.connection, postId: postId, logger: self.logger)
            let recipients = NotificationRules.comment(
                author: author, earlierCommenters: earlierCommenters, commenter: viewer, postId: postId,
                commentId: 0, text: text
            ).map(\.recipient)
            try write.require(recipients)
            var commentId: Int64 = 0
            for try await id in try await write.connection.query(
                """
                INSERT INTO comments (post_id, author_id, text, created_at)
                VALUES (\(postId), \(viewer), \(text), \(StoreClock.now())) RETURNING id
                """, logger: self.logger
            ).decode(Int64.self) {
                commentId = id
            }
            let drafts = NotificationRules.comment(
                author: author, earlierCommenters: earlierCommenters, commenter: viewer, postId: postId,
                commentId: commentId, text: text)
            _ = try await write.insert(drafts)
            let kept = try await self.keep(write, idempotent) {
                try await Self.comment(commentId, on: write.connection, logger: self.logger)
            }
            return (commentId, kept)
        }
        if let kept { return kept }
        return try await pool.withConnection { try await Self.comment(commentId, on: $0, logger: self.logger) }
    }

    /// Only the new one: the post's comments can be thousands.
    private static func comment(_ id: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Comment
    {
        guard
            let comment = try await comments(
                connection.query("\(unescaped: commentSelect) WHERE c.id = \(id)", logger: logger)
            ).first
        else { throw StoreError.notFound("comment not created") }
        return comment
    }

    /// Read after the write's commit, off the batch: as the viewer sees the post now (or, in
    /// `write`, as its transaction does).
    private func post(_ id: Int64, viewer: String, in write: BatchWrite? = nil) async throws -> Post {
        if let write {
            return try await Self.fetchPosts(write.connection, ids: [id], viewer: viewer, logger: logger)[0]
        }
        return try await pool.withConnection {
            try await Self.fetchPosts($0, ids: [id], viewer: viewer, logger: self.logger)[0]
        }
    }

    /// In a keyed write's transaction: its answer, `result` read there, kept under its key; nil
    /// without a key (the answer is read after the commit, off the batch).
    private func keep<T>(_ write: BatchWrite, _ idempotent: Idempotent<T>?, _ result: () async throws -> T)
        async throws -> T?
    {
        guard let idempotent else { return nil }
        let value = try await result()
        try await keep(write, idempotent, value)
        return value
    }

    /// Keeps `result`'s answer under the write's key in its transaction (replacing an expired one).
    private func keep<T>(_ write: BatchWrite, _ idempotent: Idempotent<T>, _ result: T) async throws {
        let answer = idempotent.stored(result)
        let kept = try await Self.count(
            write.connection.query(
                """
                WITH kept AS (
                    INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at)
                    VALUES (\(idempotent.key.scope), \(idempotent.key.key), \(answer.fingerprint), \(answer.status),
                            \(ByteBuffer(bytes: answer.body)), \(StoreClock.now()))
                    ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
                        body = excluded.body, created_at = excluded.created_at
                    WHERE idempotency_keys.created_at < \(idempotent.expiredBefore)
                    RETURNING 1)
                SELECT COUNT(*) FROM kept
                """, logger: logger))
        guard kept > 0 else { throw StoreError.keyTaken }
    }

    public func revokeTokens(user: String, before: Int64) async throws {
        guard try await self.user(id: user) != nil else { throw StoreError.notFound("no user \(user)") }
        try await pool.run(
            """
            INSERT INTO token_revocations (user_id, revoked_before) VALUES (\(user), \(before))
            ON CONFLICT (user_id) DO UPDATE SET revoked_before = greatest(token_revocations.revoked_before, excluded.revoked_before)
            """, logger: logger)
    }

    public func revocations(since: Int64) async throws -> [String: Int64] {
        try await pool.withConnection { connection in
            var cutoffs: [String: Int64] = [:]
            for try await (user, before) in try await connection.query(
                "SELECT user_id, revoked_before FROM token_revocations WHERE revoked_before >= \(since)",
                logger: self.logger
            ).decode((String, Int64).self) {
                cutoffs[user] = before
            }
            return cutoffs
        }
    }

    public func storedAnswer(for key: IdempotencyKey, since: Int64) async throws -> StoredAnswer? {
        try await pool.withConnection { connection in
            for try await (fingerprint, status, body) in try await connection.query(
                """
                SELECT fingerprint, status, body FROM idempotency_keys
                WHERE scope = \(key.scope) AND key = \(key.key) AND created_at >= \(since)
                """, logger: self.logger
            ).decode((String, Int, ByteBuffer).self) {
                return StoredAnswer(fingerprint: fingerprint, status: status, body: Array(buffer: body))
            }
            return nil
        }
    }

    public func forgetAnswers(before cutoff: Int64) async throws {
        try await pool.run("DELETE FROM idempotency_keys WHERE created_at < \(cutoff)", logger: logger)
    }

    /// A like's, an unlike's: the post's author (the one stream it may add to), if `viewer`
    /// may see the post. Authors never change, so the plan's answer holds inside the batch.
    private func planOnPost(_ postId: Int64, viewer: String)
        -> @Sendable () async throws -> (streams: [String], plan: String)
    {
        {
            let author = try await self.pool.withConnection { connection in
                try await Self.visiblePostAuthor(connection, postId: postId, viewer: viewer, logger: self.logger)
            }
            return ([author], author)
        }
    }

    // MARK: events

    public func notifications(user: String, before: Int64?, limit: Int) async throws -> NotificationListing {
        try await pool.withConnection { connection in
            let position = try await Self.position(connection, user, logger: self.logger)
            let rows = try await connection.query(
                """
                \(unescaped: EventRecord.select) WHERE e.recipient_id = \(user) AND e.id < \(before ?? Int64.max)
                  AND e.type <> 'post'
                ORDER BY e.id DESC LIMIT \(limit)
                """, logger: self.logger)
            let entries = try await Self.records(rows).map { $0.entry(unread: position.unread) }
            return NotificationListing(notifications: entries, unread: position.unread, cursor: position.cursor)
        }
    }

    public func markRead(user: String, upTo: Int64, idempotent: Idempotent<Int>?) async throws -> Int {
        // Under the user's stream lock, like every write to their events and unread count.
        try await commits.write(plan: { ([user], ()) }) { write, _ in
            try await write.connection.query(
                "UPDATE events SET read = true WHERE recipient_id = \(user) AND id <= \(upTo) AND NOT read",
                logger: self.logger)
            let unread = try await Self.unreadCount(write.connection, user, logger: self.logger)
            if let idempotent { try await self.keep(write, idempotent, unread) }
            return unread
        }
    }

    /// One query checks the recipients (or finds every user), one statement stores the events.
    public func publish(to recipients: [String]?, data: String, idempotent: Idempotent<[Int64]>?) async throws
        -> [Int64]
    {
        let plan: @Sendable () async throws -> (streams: [String], plan: [String]) = {
            if let recipients, self.knownUsers.withLockedValue({ known in recipients.allSatisfy(known.contains) }) {
                return (recipients, recipients)
            }
            let query: PostgresQuery =
                if let recipients { "SELECT id FROM users WHERE id = ANY(\(recipients)) ORDER BY id" } else {
                    "SELECT id FROM users ORDER BY id"
                }
            let known = try await self.pool.withConnection { connection in
                var known: [String] = []
                for try await id in try await connection.query(query, logger: self.logger).decode(String.self) {
                    known.append(id)
                }
                return known
            }
            self.knownUsers.withLockedValue { $0.formUnion(known) }
            if let recipients, let unknown = NotificationRules.unknownRecipient(recipients, known: Set(known)) {
                throw unknown
            }
            // Users are never removed: who was there at the plan is there at the commit.
            let streams = recipients ?? known
            return (streams, streams)
        }
        return try await commits.write(events: recipients?.count ?? PostgresGroupCommit.batchEvents, plan: plan) {
            write, streams in
            let ids = try await write.insert(NotificationRules.publish(to: streams, data: data))
            if let idempotent { try await self.keep(write, idempotent, ids) }
            return ids
        }
    }

    public func events(user: String, after cursor: Int64, limit: Int) async throws -> [Delivery] {
        try await pool.withConnection { connection in
            try await Self.events(
                connection,
                "\(unescaped: EventRecord.select) WHERE e.recipient_id = \(user) AND e.id > \(cursor) ORDER BY e.id LIMIT \(limit)",
                recipient: user, logger: self.logger)
        }
    }

    /// The notified events (id and recipient, from NOTIFY payloads) as pushes in id order,
    /// each with its recipient's unread count: one query however many events a fan-out
    /// batch holds.
    func deliveries(notified: [(id: Int64, recipient: String)]) async throws -> [Delivery] {
        guard !notified.isEmpty else { return [] }
        // The pair must match: a payload cannot make an event someone else's.
        return try await pool.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT n.recipient, coalesce(c.unread, 0), ev.*
                FROM unnest(\(notified.map(\.id))::BIGINT[], \(notified.map(\.recipient))::TEXT[]) AS n(id, recipient)
                JOIN LATERAL (\(unescaped: EventRecord.select) WHERE e.id = n.id AND e.recipient_id = n.recipient) AS ev
                  ON true
                LEFT JOIN unread_counts c ON c.user_id = n.recipient
                ORDER BY ev.id
                """, logger: self.logger)
            var deliveries: [Delivery] = []
            for try await (
                recipient, unread, id, type, actorId, actorName, postId, postText, commentId, text, data, at, read
            )
                in rows.decode(
                    (
                        String, Int64, Int64, String, String?, String?, Int64?, String?, Int64?, String?, String?,
                        Int64, Bool
                    )
                    .self)
            {
                let record = EventRecord(
                    id: id, type: type, actorId: actorId, actorName: actorName, postId: postId, postText: postText,
                    commentId: commentId, text: text, data: data, createdAt: at, read: read)
                deliveries.append(record.delivery(to: recipient, unread: Int(unread)))
            }
            return deliveries
        }
    }

    public func streamPosition(user: String) async throws -> StreamPosition {
        try await pool.withConnection { try await Self.position($0, user, logger: self.logger) }
    }

    // MARK: helpers

    private func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws -> T
    {
        try await pool.withTransaction(logger: logger, body)
    }

    private static func count(_ rows: PostgresRowSequence) async throws -> Int64 {
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }

    private static func fetchUser(_ connection: PostgresConnection, _ id: String, logger: Logger) async throws
        -> UserSummary?
    {
        for try await (id, name) in try await connection.query(
            "SELECT id, name FROM users WHERE id = \(id)", logger: logger
        ).decode((String, String).self) {
            return UserSummary(id: id, name: name)
        }
        return nil
    }

    private static func unreadCount(_ connection: PostgresConnection, _ user: String, logger: Logger) async throws
        -> Int
    {
        Int(
            try await count(
                connection.query(
                    "SELECT coalesce((SELECT unread FROM unread_counts WHERE user_id = \(user)), 0)", logger: logger)))
    }

    private static func position(_ connection: PostgresConnection, _ user: String, logger: Logger) async throws
        -> StreamPosition
    {
        let cursor = try await count(
            connection.query(
                "SELECT coalesce(MAX(id), 0)::BIGINT FROM events WHERE recipient_id = \(user)", logger: logger))
        return StreamPosition(cursor: cursor, unread: try await unreadCount(connection, user, logger: logger))
    }

    /// The post's author, if `viewer` may see the post (theirs or a friend's); else not found.
    private static func visiblePostAuthor(
        _ connection: PostgresConnection, postId: Int64, viewer: String, logger: Logger
    ) async throws -> String {
        for try await author in try await connection.query(
            """
            SELECT p.author_id FROM posts p WHERE p.id = \(postId) AND (p.author_id = \(viewer) OR EXISTS (
                SELECT 1 FROM friendships f WHERE f.user_id = \(viewer) AND f.friend_id = p.author_id))
            """, logger: logger
        ).decode(String.self) {
            return author
        }
        throw StoreError.notFound("no post \(postId)")
    }

    private static func commenters(_ connection: PostgresConnection, postId: Int64, logger: Logger) async throws
        -> [String]
    {
        var ids: [String] = []
        for try await id in try await connection.query(
            "SELECT DISTINCT author_id FROM comments WHERE post_id = \(postId)", logger: logger
        ).decode(String.self) {
            ids.append(id)
        }
        return ids
    }

    private static func records(_ rows: PostgresRowSequence) async throws -> [EventRecord] {
        var records: [EventRecord] = []
        for try await (id, type, actorId, actorName, postId, postText, commentId, text, data, createdAt, read)
            in rows.decode(
                (Int64, String, String?, String?, Int64?, String?, Int64?, String?, String?, Int64, Bool).self)
        {
            records.append(
                EventRecord(
                    id: id, type: type, actorId: actorId, actorName: actorName, postId: postId, postText: postText,
                    commentId: commentId, text: text, data: data, createdAt: createdAt, read: read))
        }
        return records
    }

    /// Events selected by `query` (built on `EventRecord.select`), with the recipient's unread count now.
    private static func events(
        _ connection: PostgresConnection, _ query: PostgresQuery, recipient: String, logger: Logger
    ) async throws -> [Delivery] {
        let rows = try await records(connection.query(query, logger: logger))
        guard !rows.isEmpty else { return [] }
        let unread = try await unreadCount(connection, recipient, logger: logger)
        return rows.map { $0.delivery(to: recipient, unread: unread) }
    }

    private static let commentSelect = """
        SELECT c.id, c.post_id, c.author_id, u.name, c.text, c.created_at
        FROM comments c JOIN users u ON u.id = c.author_id
        """

    private static func fetchComments(_ connection: PostgresConnection, postIds: [Int64], logger: Logger)
        async throws -> [Comment]
    {
        try await comments(
            connection.query(
                "\(unescaped: commentSelect) WHERE c.post_id = ANY(\(postIds)) ORDER BY c.id", logger: logger))
    }

    private static func comments(_ rows: PostgresRowSequence) async throws -> [Comment] {
        var comments: [Comment] = []
        for try await (id, postId, authorId, name, text, createdAt) in rows.decode(
            (Int64, Int64, String, String, String, Int64).self)
        {
            comments.append(
                Comment(
                    id: id, postId: postId, author: UserSummary(id: authorId, name: name), text: text,
                    createdAt: StoreClock.date(createdAt)))
        }
        return comments
    }

    /// Posts in the order of `ids`, with likes and comments, as `viewer` sees them: three queries.
    private static func fetchPosts(_ connection: PostgresConnection, ids: [Int64], viewer: String, logger: Logger)
        async throws -> [Post]
    {
        guard !ids.isEmpty else { return [] }
        var likers: [PostAssembly.LikerRow] = []
        for try await (postId, id, name) in try await connection.query(
            """
            SELECT l.post_id, u.id, u.name FROM likes l JOIN users u ON u.id = l.user_id
            WHERE l.post_id = ANY(\(ids)) ORDER BY l.created_at, l.seq
            """, logger: logger
        ).decode((Int64, String, String).self) {
            likers.append(.init(postId: postId, liker: UserSummary(id: id, name: name)))
        }
        var rows: [PostAssembly.PostRow] = []
        for try await (id, authorId, name, text, createdAt) in try await connection.query(
            """
            SELECT p.id, p.author_id, u.name, p.text, p.created_at FROM posts p JOIN users u ON u.id = p.author_id
            WHERE p.id = ANY(\(ids))
            """, logger: logger
        ).decode((Int64, String, String, String, Int64).self) {
            rows.append(.init(id: id, author: UserSummary(id: authorId, name: name), text: text, createdAt: createdAt))
        }
        return PostAssembly.posts(
            ids: ids, rows: rows, likers: likers,
            comments: try await fetchComments(connection, postIds: ids, logger: logger), viewer: viewer)
    }

}
