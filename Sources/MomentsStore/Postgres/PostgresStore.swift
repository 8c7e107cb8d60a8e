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
    let logger: Logger
    private let runner: Task<Void, Never>

    /// Connects, starts the pool and brings the schema up to date (`schemaSteps` fewer only for
    /// tests that play an earlier release).
    /// `committedBatch` is told each group commit's number of writes; a request waits at most
    /// `connectionWait` for a connection.
    public static func open(
        _ address: PostgresAddress, connectionWait: Duration = .seconds(10), logger: Logger,
        schemaSteps: Int? = nil, committedBatch: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> PostgresStore {
        // One plain connection first: the pool would keep retrying an unreachable server for a
        // minute; a person starting a node wants to hear at once.
        do {
            let probe = try await PostgresConnection.connect(
                configuration: try address.connectionConfiguration, id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw StoreSetupError("cannot connect to \(address): \(PostgresConnectFailure.describe(error))")
        }
        let store = PostgresStore(
            address: address, connectionWait: connectionWait, logger: logger, committedBatch: committedBatch)
        do {
            try await PostgresSchema.migrate(
                store.pool, knowing: schemaSteps ?? PostgresSchema.migrations.count, logger: logger)
        } catch {
            await store.close()
            throw StoreSetupError("cannot use \(address): \(StoreFailure.describe(error))")
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
        guard let value else { throw StoreSetupError("the setting \(key) vanished from \(address)") }
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

    public func me(_ user: String) async throws -> Me {
        try await pool.withConnection { connection in
            guard let me = try await Self.fetchUser(connection, user, logger: self.logger) else {
                throw StoreError.notFound("no user \(user)")
            }
            let friends = try await Self.friends(connection, of: user, logger: self.logger)
            let position = try await Self.position(connection, user, logger: self.logger)
            return Me(user: me, friends: friends, unread: position.unread, cursor: position.cursor)
        }
    }

    // MARK: posts

    public func feed(viewer: String, before: Int64?, limit: Int) async throws -> FeedPage {
        try await pool.withConnection { connection in
            let query: SQLFragment = """
                SELECT p.id FROM posts p
                WHERE (p.author_id = \(viewer)
                       OR p.author_id IN (SELECT friend_id FROM friendships WHERE user_id = \(viewer)))
                  AND p.id < \(before ?? Int64.max) AND \(SQLFragment(Visibility.postSQL("p", viewer: ":viewer"), binding: ["viewer": viewer]))
                ORDER BY p.id DESC LIMIT \(limit + 1)
                """
            var ids: [Int64] = []
            for try await id in try await connection.query(query.query, logger: self.logger).decode(Int64.self) {
                ids.append(id)
            }
            let page = Array(ids.prefix(limit))
            let posts = try await Self.fetchPosts(
                connection, ids: page, viewer: viewer, comments: PostAssembly.feedComments, logger: self.logger)
            return FeedPage(posts: posts, nextBefore: ids.count > limit ? page.last : nil)
        }
    }

    public func post(id: Int64, viewer: String) async throws -> Post {
        try await pool.withConnection { connection in
            guard try await Self.maySeePost(connection, id, viewer, logger: self.logger) else {
                throw StoreError.notFound("no post \(id)")
            }
            return try await Self.fetchPosts(connection, ids: [id], viewer: viewer, logger: self.logger)[0]
        }
    }

    public func createPost(
        author: String, text: String, audience: Audience, mentions: [String], media: [MediaAttachment],
        idempotent: Idempotent<Post>?
    ) async throws -> Post {
        let write = Writes.createPost(author: author, text: text, audience: audience, mentions: mentions, media: media)
        return try await perform(write, idempotent) { connection, made in
            try await Self.fetchPosts(connection, ids: [made.postId!], viewer: author, logger: self.logger)[0]
        }
    }

    public func setAudience(author: String, postId: Int64, audience: Audience, idempotent: Idempotent<Post>?)
        async throws -> Post
    {
        try await perform(Writes.setAudience(author: author, postId: postId, audience: audience), idempotent) {
            connection, _ in
            try await Self.fetchPosts(connection, ids: [postId], viewer: author, logger: self.logger)[0]
        }
    }

    public func like(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post {
        try await perform(Writes.like(viewer: viewer, postId: postId), idempotent) { connection, _ in
            try await Self.fetchPosts(connection, ids: [postId], viewer: viewer, logger: self.logger)[0]
        }
    }

    public func unlike(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post {
        try await perform(Writes.unlike(viewer: viewer, postId: postId), idempotent) { connection, _ in
            try await Self.fetchPosts(connection, ids: [postId], viewer: viewer, logger: self.logger)[0]
        }
    }

    public func comment(
        viewer: String, postId: Int64, text: String, replyTo: Int64?, idempotent: Idempotent<Comment>?
    ) async throws -> Comment {
        let write = Writes.comment(viewer: viewer, postId: postId, text: text, replyTo: replyTo)
        return try await perform(write, idempotent) { connection, made in
            // Only the new one: the post's comments can be thousands.
            let comments = try await Self.comments(
                connection.query(
                    "\(unescaped: Self.commentSelect) WHERE c.id = \(made.commentId!)", logger: self.logger))
            guard let comment = comments.first?.comment else { throw StoreError.notFound("comment not created") }
            return comment
        }
    }

    public func deleteComment(by user: String, postId: Int64, commentId: Int64, idempotent: Idempotent<Void>?)
        async throws
    {
        try await perform(Writes.deleteComment(by: user, postId: postId, commentId: commentId), idempotent) { _, _ in }
    }

    public func deletePost(by user: String, postId: Int64, idempotent: Idempotent<Void>?) async throws {
        try await perform(Writes.deletePost(by: user, postId: postId), idempotent) { _, _ in }
        try await collectMediaFiles()
    }

    /// Keeps `result`'s answer under the write's key in its transaction (replacing an expired one).
    func keep<T>(_ write: BatchWrite, _ idempotent: Idempotent<T>, _ result: T, shows: KeptShows = .nothing)
        async throws
    {
        let answer = idempotent.stored(result)
        let kept = try await Self.count(
            write.connection.prepared(
                """
                WITH kept AS (
                    INSERT INTO idempotency_keys (
                        scope, key, fingerprint, status, body, created_at, post_id, comment_id, made)
                    VALUES (\(idempotent.key.scope), \(idempotent.key.key), \(answer.fingerprint), \(answer.status),
                            \(ByteBuffer(bytes: answer.body)), \(StoreClock.now()), \(shows.postId), \(shows.commentId),
                            \(shows.made))
                    ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint, status = excluded.status,
                        body = excluded.body, created_at = excluded.created_at, post_id = excluded.post_id,
                        comment_id = excluded.comment_id, made = excluded.made
                    WHERE idempotency_keys.created_at < \(idempotent.expiredBefore)
                    RETURNING 1)
                SELECT COUNT(*) FROM kept
                """, logger: logger))
        guard kept > 0 else { throw StoreError.keyTaken }
    }

    // MARK: friends

    public func friends(of user: String) async throws -> [UserSummary] {
        try await pool.withConnection { try await Self.friends($0, of: user, logger: self.logger) }
    }

    public func befriend(_ a: String, _ b: String) async throws {
        try await perform(Writes.befriend(a, b), nil) { _, _ in }
    }

    public func requestFriend(
        from: String, to: String, note: String, idempotent: Idempotent<FriendRequestOutcome>?
    ) async throws -> FriendRequestOutcome {
        try await perform(Writes.requestFriend(from: from, to: to, note: note), idempotent) { connection, made in
            // The request made, or (`to` had asked first) the one accepted.
            guard let id = made.requestId,
                let request = try await self.fetchRequests(connection, where: "r.id = \(id)").first,
                request.from?.id == from
            else { return .befriended }
            return .sent(request.asSent)
        }
    }

    public func friendRequests(user: String) async throws -> FriendRequests {
        try await pool.withConnection { connection in
            let pending = try await self.fetchRequests(
                connection, where: "(r.to_id = \(user) OR r.from_id = \(user)) AND r.state = 'pending'")
            return FriendRequests(pending: pending, of: user)
        }
    }

    public func answerFriendRequest(id: Int64, by user: String, accept: Bool, idempotent: Idempotent<Bool>?)
        async throws -> Bool
    {
        try await perform(Writes.answerRequest(id: id, by: user, accept: accept), idempotent) { connection, _ in
            let query: PostgresQuery = """
                SELECT EXISTS (SELECT 1 FROM friend_requests r JOIN friendships f
                    ON f.user_id = r.from_id AND f.friend_id = r.to_id WHERE r.id = \(id))
                """
            for try await friends in try await connection.query(query, logger: self.logger).decode(Bool.self) {
                return friends
            }
            return false
        }
    }

    public func unfriend(_ user: String, _ other: String, idempotent: Idempotent<Bool>?) async throws -> Bool {
        try await perform(Writes.unfriend(user, other), idempotent) { _, _ in false }
    }

    /// Friend requests with both sides, newest first.
    private func fetchRequests(_ connection: PostgresConnection, where condition: SQLFragment) async throws
        -> [FriendRequest]
    {
        let query: SQLFragment = """
            SELECT r.id, r.from_id, f.name, r.to_id, t.name, r.note, r.created_at
            FROM friend_requests r JOIN users f ON f.id = r.from_id JOIN users t ON t.id = r.to_id
            WHERE \(condition) ORDER BY r.id DESC
            """
        var requests: [FriendRequest] = []
        for try await (id, fromId, fromName, toId, toName, note, createdAt) in try await connection.query(
            query.query, logger: logger
        ).decode((Int64, String, String, String, String, String, Int64).self) {
            requests.append(
                FriendRequest(
                    id: id, from: UserSummary(id: fromId, name: fromName), to: UserSummary(id: toId, name: toName),
                    note: note, createdAt: StoreClock.date(createdAt)))
        }
        return requests
    }

    // MARK: token revocations

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
            for try await (fingerprint, status, body) in try await connection.prepared(
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

    // MARK: events

    public func notifications(user: String, before: Int64?, limit: Int) async throws -> NotificationListing {
        try await pool.withConnection { connection in
            let position = try await Self.position(connection, user, logger: self.logger)
            let rows = try await connection.query(
                """
                \(unescaped: StoredEvent.select) WHERE e.recipient_id = \(user) AND e.id < \(before ?? Int64.max)
                  AND NOT e.hidden AND e.type NOT IN (\(unescaped: Visibility.unlisted))
                  AND \(unescaped: StoredEvent.stillThere)
                ORDER BY e.id DESC LIMIT \(limit)
                """, logger: self.logger)
            let events = try await Self.events(rows, to: user, unread: position.unread)
            return NotificationListing(notifications: events, position: position)
        }
    }

    public func notificationGroups(user: String, before: Int64?, limit: Int) async throws -> GroupedNotificationPage {
        try await pool.withConnection { connection in
            let groups = SQLFragment(
                NotificationGrouping.groups,
                binding: ["user": user, "before": before ?? Int64.max, "limit": Int64(limit + 1)])
            var rows: [NotificationGrouping.GroupRow] = []
            for try await (newestId, people, unread) in try await connection.query(groups.query, logger: self.logger)
                .decode((Int64, Int64, Int32).self)
            {
                rows.append(.init(newestId: newestId, people: Int(people), unread: unread != 0))
            }
            let position = try await Self.position(connection, user, logger: self.logger)
            var events: [Int64: StoredEvent] = [:]
            for event in try await Self.events(
                connection.query(
                    "\(unescaped: StoredEvent.select) WHERE e.id = ANY(\(rows.map(\.newestId))) AND NOT e.hidden",
                    logger: self.logger),
                to: user, unread: position.unread)
            {
                events[event.id] = event
            }
            var likers: [Int64: [UserSummary]] = [:]
            for (id, event) in events where event.type == .like {
                let query = SQLFragment(
                    NotificationGrouping.likers, binding: ["user": user, "post": event.postId ?? 0])
                for try await (liker, name) in try await connection.query(query.query, logger: self.logger).decode(
                    (String, String).self)
                {
                    likers[id, default: []].append(UserSummary(id: liker, name: name))
                }
            }
            return NotificationGrouping.page(rows, limit: limit, events: events, likers: likers, position: position)
        }
    }

    public func markRead(user: String, upTo: Int64, idempotent: Idempotent<Int>?) async throws -> Int {
        try await perform(Writes.markRead(user: user, upTo: upTo), idempotent) { connection, _ in
            try await Self.unreadCount(connection, user, logger: self.logger)
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
        return try await commits.write(events: recipients?.count ?? NextBatch.cap, plan: plan) {
            write, streams in
            let drafts = NotificationRules.publish(to: streams, data: data)
            // A kept answer holds the ids, so a keyed publish inserts at once.
            guard let idempotent else { return try write.stagePublished(drafts) }
            let ids = try await write.insert(drafts)
            try await self.keep(write, idempotent, ids)
            return PublishedIDs(ids)
        }.ids
    }

    public func events(user: String, after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        try await pool.withConnection { connection in
            try await connection.rows(Prepared.StreamPage(user: user, after: cursor, limit: limit), logger: self.logger)
                .map { row in
                    var cells = row.makeIterator()
                    let unread: Int64 = try cells.decodeNext()
                    return try Self.event(&cells, to: user, unread: Int(unread))
                }
        }
    }

    /// The notified events (id and recipient, from NOTIFY payloads) as pushes in id order,
    /// each with its recipient's unread count: one query however many events a fan-out
    /// batch holds.
    func events(notified: [(id: Int64, recipient: String)]) async throws -> [StoredEvent] {
        guard !notified.isEmpty else { return [] }
        let statement = Prepared.NotifiedEvents(ids: notified.map(\.id), recipients: notified.map(\.recipient))
        return try await pool.withConnection { connection in
            try await connection.rows(statement, logger: self.logger).map { row in
                var cells = row.makeIterator()
                let recipient: String = try cells.decodeNext()
                let unread: Int64 = try cells.decodeNext()
                return try Self.event(&cells, to: recipient, unread: Int(unread))
            }
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

    private static func count(_ rows: some AsyncSequence<PostgresRow, any Error>) async throws -> Int64 {
        for try await value in rows.decode(Int64.self) { return value }
        return 0
    }

    private static func fetchUser(_ connection: PostgresConnection, _ id: String, logger: Logger) async throws
        -> UserSummary?
    {
        for try await (id, name) in try await connection.prepared(
            "SELECT id, name FROM users WHERE id = \(id)", logger: logger
        ).decode((String, String).self) {
            return UserSummary(id: id, name: name)
        }
        return nil
    }

    private static func unreadCount(_ connection: PostgresConnection, _ user: String, logger: Logger) async throws
        -> Int
    {
        guard let row = try await connection.rows(Prepared.Unread(user: user), logger: logger).first else { return 0 }
        return Int(try row.decode(Int64.self))
    }

    private static func position(_ connection: PostgresConnection, _ user: String, logger: Logger) async throws
        -> StreamPosition
    {
        guard let row = try await connection.rows(Prepared.Position(user: user), logger: logger).first else {
            return StreamPosition(cursor: 0, unread: 0)
        }
        let (cursor, unread) = try row.decode((Int64, Int64).self)
        return StreamPosition(cursor: cursor, unread: Int(unread))
    }

    /// The events of a `StoredEvent.select`, all `recipient`'s.
    private static func events(_ rows: some AsyncSequence<PostgresRow, any Error>, to recipient: String, unread: Int)
        async throws
        -> [StoredEvent]
    {
        var events: [StoredEvent] = []
        for try await row in rows { events.append(try event(row, to: recipient, unread: unread)) }
        return events
    }

    /// A row of `StoredEvent.select`, read in its column order: one pass, no copy of the cells
    /// (the cross-node push path reads one per event).
    static func event(_ row: PostgresRow, to recipient: String, unread: Int) throws -> StoredEvent {
        var cells = row.makeIterator()
        return try event(&cells, to: recipient, unread: unread)
    }

    /// The next cells of a row, in `StoredEvent.select`'s column order.
    static func event(_ cells: inout PostgresRow.Iterator, to recipient: String, unread: Int) throws -> StoredEvent {
        let id: Int64 = try cells.decodeNext()
        let type: String = try cells.decodeNext()
        let actorId: String? = try cells.decodeNext()
        let actorName: String? = try cells.decodeNext()
        let postId: Int64? = try cells.decodeNext()
        let postText: String? = try cells.decodeNext()
        let commentId: Int64? = try cells.decodeNext()
        let requestId: Int64? = try cells.decodeNext()
        let text: String? = try cells.decodeNext()
        let data: String? = try cells.decodeNext()
        let createdAt: Int64 = try cells.decodeNext()
        let read: Bool = try cells.decodeNext()
        let replyToId: Int64? = try cells.decodeNext()
        let replyToUser: String? = try cells.decodeNext()
        let replyToName: String? = try cells.decodeNext()
        return StoredEvent(
            recipient: recipient, unread: unread, id: id, type: type, actorId: actorId, actorName: actorName,
            postId: postId, postText: postText, commentId: commentId, requestId: requestId, text: text, data: data,
            createdAt: createdAt, read: read, replyToId: replyToId, replyToUser: replyToUser, replyToName: replyToName)
    }

    private static let commentSelect = "SELECT \(CommentSelect.columns) FROM \(CommentSelect.from)"

    /// Comments of `CommentSelect`'s columns, then (with `counted`) how many the viewer may see.
    private static func comments(_ rows: some AsyncSequence<PostgresRow, any Error>, counted: Bool = false) async throws
        -> [PostAssembly.CommentRow]
    {
        var comments: [PostAssembly.CommentRow] = []
        for try await row in rows {
            var cells = row.makeIterator()
            let id: Int64 = try cells.decodeNext()
            let postId: Int64 = try cells.decodeNext()
            let authorId: String = try cells.decodeNext()
            let name: String = try cells.decodeNext()
            let text: String = try cells.decodeNext()
            let createdAt: Int64 = try cells.decodeNext()
            let replyToId: Int64? = try cells.decodeNext()
            let replyToUser: String? = try cells.decodeNext()
            let replyToName: String? = try cells.decodeNext()
            let total: Int64? = counted ? try cells.decodeNext() : nil
            let comment = Comment(
                id: id, postId: postId, author: UserSummary(id: authorId, name: name), text: text,
                createdAt: StoreClock.date(createdAt),
                replyTo: replyToUser.map {
                    ReplyTo(commentId: replyToId, user: UserSummary(id: $0, name: replyToName ?? $0))
                })
            comments.append(.init(comment: comment, total: total.map(Int.init)))
        }
        return comments
    }

    static func friends(_ connection: PostgresConnection, of user: String, logger: Logger) async throws
        -> [UserSummary]
    {
        var friends: [UserSummary] = []
        for try await (id, name) in try await connection.query(
            """
            SELECT u.id, u.name FROM friendships f JOIN users u ON u.id = f.friend_id
            WHERE f.user_id = \(user) ORDER BY u.id
            """, logger: logger
        ).decode((String, String).self) {
            friends.append(UserSummary(id: id, name: name))
        }
        return friends
    }

    private static func maySeePost(_ connection: PostgresConnection, _ id: Int64, _ viewer: String, logger: Logger)
        async throws -> Bool
    {
        let query: SQLFragment = """
            SELECT EXISTS (SELECT 1 FROM posts p WHERE p.id = \(id)
                AND \(SQLFragment(Visibility.postSQL("p", viewer: ":viewer"), binding: ["viewer": viewer])))
            """
        for try await visible in try await connection.prepared(query.query, logger: logger).decode(Bool.self) {
            return visible
        }
        return false
    }

    /// The comments on the posts that `visible` lets the viewer see, oldest first: the latest
    /// `limit` of each.
    private static func visibleComments(
        _ connection: PostgresConnection, of ids: [Int64], by visible: SQLFragment, limit: Int, logger: Logger
    ) async throws -> [PostAssembly.CommentRow] {
        guard limit < .max else {
            // All of them (a post alone, a write's answer): no window to count them in.
            let query: SQLFragment = """
                \(SQLFragment(stringLiteral: commentSelect)) WHERE c.post_id = ANY(\(ids)) AND \(visible) ORDER BY c.id
                """
            return try await comments(connection.prepared(query.query, logger: logger))
        }
        let query: SQLFragment = """
            SELECT id, post_id, author_id, name, text, created_at, reply_to_id, reply_to_user, reply_to_name, total
            FROM (
                SELECT \(SQLFragment(stringLiteral: CommentSelect.columns)),
                       ROW_NUMBER() OVER (PARTITION BY c.post_id ORDER BY c.id DESC) AS n,
                       COUNT(*) OVER (PARTITION BY c.post_id) AS total
                FROM \(SQLFragment(stringLiteral: CommentSelect.from))
                WHERE c.post_id = ANY(\(ids)) AND \(visible)
            ) AS visible WHERE n <= \(Int64(limit)) ORDER BY id
            """
        return try await comments(connection.prepared(query.query, logger: logger), counted: true)
    }

    /// Posts in the order of `ids` (each one the viewer may see), with the likes and the latest
    /// `comments` comments the viewer may see, and their pictures: four queries (five with the
    /// viewer's own audience lists).
    private static func fetchPosts(
        _ connection: PostgresConnection, ids: [Int64], viewer: String, comments limit: Int = .max, logger: Logger
    ) async throws -> [Post] {
        guard !ids.isEmpty else { return [] }
        let byViewer: (String) -> SQLFragment = { maker in
            SQLFragment(Visibility.makerSQL(maker, viewer: ":viewer"), binding: ["viewer": viewer])
        }
        var likers: [PostAssembly.LikerRow] = []
        let likersQuery: SQLFragment = """
            SELECT l.post_id, u.id, u.name FROM likes l JOIN users u ON u.id = l.user_id
            WHERE l.post_id = ANY(\(ids)) AND \(byViewer("l.user_id")) ORDER BY l.created_at, l.seq
            """
        for try await (postId, id, name) in try await connection.prepared(likersQuery.query, logger: logger).decode(
            (Int64, String, String).self)
        {
            likers.append(.init(postId: postId, liker: UserSummary(id: id, name: name)))
        }
        var rows: [PostAssembly.PostRow] = []
        for try await (id, authorId, name, text, createdAt, audience) in try await connection.prepared(
            """
            SELECT p.id, p.author_id, u.name, p.text, p.created_at, p.audience
            FROM posts p JOIN users u ON u.id = p.author_id WHERE p.id = ANY(\(ids))
            """, logger: logger
        ).decode((Int64, String, String, String, Int64, String).self) {
            rows.append(
                .init(
                    id: id, author: UserSummary(id: authorId, name: name), text: text, createdAt: createdAt,
                    audience: audience))
        }
        var named: [PostAssembly.NamedRow] = []
        let listed = PostAssembly.namedListsWanted(rows, viewer: viewer)
        if !listed.isEmpty {
            for try await (postId, user) in try await connection.prepared(
                "SELECT post_id, user_id FROM post_audience WHERE post_id = ANY(\(listed)) ORDER BY post_id, user_id",
                logger: logger
            ).decode((Int64, String).self) {
                named.append(.init(postId: postId, user: user))
            }
        }
        let comments = try await visibleComments(
            connection, of: ids,
            by: SQLFragment(Visibility.commentSQL("c", viewer: ":viewer"), binding: ["viewer": viewer]), limit: limit,
            logger: logger)
        var media: [PostAssembly.MediaRow] = []
        for try await (postId, id, alt, width, height) in try await connection.prepared(
            "SELECT post_id, id, alt, width, height FROM media WHERE post_id = ANY(\(ids)) ORDER BY post_id, position",
            logger: logger
        ).decode((Int64, String, String, Int32, Int32).self) {
            media.append(
                .init(postId: postId, media: PostMedia(id: id, alt: alt, width: Int(width), height: Int(height))))
        }
        return PostAssembly.posts(
            ids: ids, rows: rows, likers: likers, comments: comments, named: named, media: media, viewer: viewer)
    }

}

extension PostgresRow.Iterator {
    /// The next cell, decoded. The queries are ours: a column missing is a bug, not input.
    fileprivate mutating func decodeNext<T: PostgresDecodable>() throws -> T { try next()!.decode(T.self) }
}
