import Logging
import MomentsCore
import PostgresNIO

/// How the shared store makes a `StoreWrite`: its facts read and its rule decided once to plan
/// (who may, which streams to lock), then again in the batch's transaction under those locks,
/// where its change and its events are one statement.
extension PostgresStore {
    /// Runs `write`; `answer` reads what the caller gets given what the change made: in the
    /// transaction when a key keeps it, else after the commit, off the batch.
    func perform<T: Sendable>(
        _ write: StoreWrite, _ idempotent: Idempotent<T>?,
        answer: @escaping @Sendable (PostgresConnection, ChangeOutcome) async throws -> T
    ) async throws -> T {
        let plan: @Sendable () async throws -> (streams: [String], plan: StoreWrite.Facts) = {
            let facts =
                write.needs.isEmpty
                ? StoreWrite.Facts() : try await self.pool.withConnection { try await self.facts($0, write.needs) }
            // Who may not is refused before joining a batch.
            return (try write.decide(facts).streams, facts)
        }
        let (outcome, kept) = try await commits.write(plan: plan) { batch, _ -> (ChangeOutcome, T?) in
            // Read again under the locks: someone commented, a friendship or an audience changed.
            let facts = try await self.facts(batch.connection, write.needs)
            let effect = try write.decide(facts)
            try batch.require(effect.streams)
            var outcome = ChangeOutcome(changed: true)
            if let change = effect.change {
                outcome = try await self.apply(change, telling: effect.told, in: &batch)
            } else {
                _ = try await batch.insert(effect.told)
            }
            if outcome.changed {
                for followUp in effect.followUps { _ = try await self.apply(followUp, telling: [], in: &batch) }
            }
            guard let idempotent else { return (outcome, nil) }
            let value = try await answer(batch.connection, outcome)
            try await self.keep(batch, idempotent, value, shows: write.answerShows.kept(outcome))
            return (outcome, value)
        }
        if let kept { return kept }
        return try await pool.withConnection { try await answer($0, outcome) }
    }

    /// The facts `needs` asks for.
    private func facts(_ connection: PostgresConnection, _ needs: StoreWrite.Needs) async throws -> StoreWrite.Facts {
        var facts = StoreWrite.Facts()
        if let wanted = needs.visiblePost {
            let query: SQLFragment = """
                SELECT p.author_id, p.text, p.audience,
                       ARRAY(SELECT user_id FROM post_audience WHERE post_id = p.id ORDER BY user_id)
                FROM posts p WHERE p.id = \(wanted.id)
                  AND \(SQLFragment(Visibility.postSQL("p", viewer: ":viewer"), binding: ["viewer": wanted.viewer]))
                """
            for try await (author, text, audience, named) in try await connection.prepared(query.query, logger: logger)
                .decode((String, String, String, [String]).self)
            {
                facts.post = PostFacts(
                    id: wanted.id, author: author, text: text, audience: Audience(kind: audience, named: named))
            }
        }
        if let postId = needs.post {
            let query: SQLFragment = """
                SELECT p.author_id, p.text, p.audience,
                       ARRAY(SELECT user_id FROM post_audience WHERE post_id = p.id ORDER BY user_id)
                FROM posts p WHERE p.id = \(postId)
                """
            for try await (author, text, audience, named) in try await connection.prepared(query.query, logger: logger)
                .decode((String, String, String, [String]).self)
            {
                facts.post = PostFacts(
                    id: postId, author: author, text: text, audience: Audience(kind: audience, named: named))
            }
            facts.touched = try await strings(
                connection,
                "SELECT DISTINCT recipient_id FROM events WHERE post_id = \(postId) AND NOT read AND NOT hidden")
        }
        if let commentId = needs.comment {
            for try await (postId, author, replyToUser) in try await connection.prepared(
                "SELECT post_id, author_id, reply_to_user FROM comments WHERE id = \(commentId)", logger: logger
            ).decode((Int64, String, String?).self) {
                facts.comment = CommentFacts(id: commentId, postId: postId, author: author, replyToUser: replyToUser)
            }
            facts.touched = try await strings(
                connection,
                "SELECT DISTINCT recipient_id FROM events WHERE comment_id = \(commentId) AND type = 'comment'")
        }
        if let (kind, id) = needs.tombstoneAsked(facts) {
            for try await (postAuthor, commentAuthor) in try await connection.prepared(
                "SELECT post_author, comment_author FROM tombstones WHERE kind = \(kind) AND id = \(id)", logger: logger
            ).decode((String, String?).self) {
                facts.tombstone = Tombstone(postAuthor: postAuthor, commentAuthor: commentAuthor)
            }
        }
        if let postId = needs.commentersOf {
            facts.commenters = try await strings(
                connection, "SELECT DISTINCT author_id FROM comments WHERE post_id = \(postId)")
        }
        let friendsOf = needs.friendsOf + (needs.friendsOfAuthors ? facts.authors : [])
        if !friendsOf.isEmpty {
            for try await (user, friend) in try await connection.prepared(
                "SELECT user_id, friend_id FROM friendships WHERE user_id = ANY(\(Array(Set(friendsOf))))",
                logger: logger
            ).decode((String, String).self) {
                facts.friends[user, default: []].insert(friend)
            }
            for user in friendsOf where facts.friends[user] == nil { facts.friends[user] = [] }
        }
        if needs.friendshipsAmongPostPeople, let post = facts.post, let viewer = needs.visiblePost?.viewer {
            let people = Array(Set([post.author, viewer] + facts.commenters + facts.authors))
            for person in people { facts.friends[person] = [] }
            for try await (user, friend) in try await connection.prepared(
                "SELECT user_id, friend_id FROM friendships WHERE user_id = ANY(\(people)) AND friend_id = ANY(\(people))",
                logger: logger
            ).decode((String, String).self) {
                facts.friends[user, default: []].insert(friend)
            }
        }
        if !needs.users.isEmpty {
            facts.users = Set(try await strings(connection, "SELECT id FROM users WHERE id = ANY(\(needs.users))"))
        }
        if let id = needs.request {
            facts.request = try await requestFacts(connection, "id = \(id)").first
        }
        if let (a, b) = needs.pendingBetween {
            facts.pending = try await requestFacts(
                connection,
                "state = 'pending' AND ((from_id = \(a) AND to_id = \(b)) OR (from_id = \(b) AND to_id = \(a)))")
        }
        if !needs.media.isEmpty {
            for try await (id, owner, postId) in try await connection.prepared(
                "SELECT id, owner_id, post_id FROM media WHERE id = ANY(\(needs.media))", logger: logger
            ).decode((String, String, Int64?).self) {
                facts.media.append(MediaFacts(id: id, owner: owner, postId: postId))
            }
        }
        return facts
    }

    private func requestFacts(_ connection: PostgresConnection, _ condition: SQLFragment) async throws
        -> [StoreWrite.RequestFacts]
    {
        let query: SQLFragment = "SELECT id, from_id, to_id, state FROM friend_requests WHERE \(condition)"
        var requests: [StoreWrite.RequestFacts] = []
        for try await (id, from, to, state) in try await connection.prepared(query.query, logger: logger).decode(
            (Int64, String, String, String).self)
        {
            requests.append(.init(id: id, from: from, to: to, state: .init(rawValue: state) ?? .declined))
        }
        return requests
    }

    private func strings(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await connection.prepared(query, logger: logger).decode(String.self) {
            values.append(value)
        }
        return values
    }

    /// The change and, if it changed a row, the events it tells of (drafts that differ only in
    /// recipient): one statement, so one round trip while the batch holds its locks.
    private func apply(_ change: RowChange, telling told: [EventDraft], in batch: inout BatchWrite) async throws
        -> ChangeOutcome
    {
        // Before the change: a write that finds a stream unlocked must have written nothing.
        try batch.require(told.map(\.recipient))
        guard let first = told.first, told.allSatisfy({ $0.sameEvent(as: first) }) else {
            let statement: SQLFragment =
                "WITH \(Self.sql(change)) SELECT post_id, comment_id, request_id FROM changed LIMIT 1"
            var outcome = ChangeOutcome.none
            for try await (postId, commentId, requestId) in try await batch.connection.prepared(
                statement.query, logger: logger
            ).decode((Int64?, Int64?, Int64?).self) {
                outcome = ChangeOutcome(changed: true, postId: postId, commentId: commentId, requestId: requestId)
            }
            // Drafts of several kinds (no write makes those yet) are stored one statement per kind.
            if outcome.changed, !told.isEmpty { _ = try await batch.insert(outcome.complete(told)) }
            return outcome
        }
        // The events only if the change made a row; a nil post or comment id is the one it made.
        // Ids are drawn in the order rows leave the sort, so sorted ids follow the drafts.
        let statement: SQLFragment = """
            WITH \(Self.sql(change)),
            told AS (
                INSERT INTO events (
                    recipient_id, type, actor_id, post_id, comment_id, request_id, text, data, created_at, read)
                SELECT d.recipient, \(first.type.rawValue), \(first.actor), coalesce(\(first.postId)::BIGINT, c.post_id),
                       coalesce(\(first.commentId)::BIGINT, c.comment_id),
                       coalesce(\(first.requestId)::BIGINT, c.request_id), \(first.text), \(first.data),
                       \(StoreClock.now()), \(first.read)
                FROM (SELECT * FROM changed LIMIT 1) AS c,
                     unnest(\(told.map(\.recipient))::TEXT[]) WITH ORDINALITY AS d(recipient, n)
                ORDER BY n
                RETURNING id, recipient_id)
            (SELECT post_id, comment_id, request_id, NULL::BIGINT, NULL::TEXT FROM changed LIMIT 1)
            UNION ALL SELECT NULL, NULL, NULL, id, recipient_id FROM told
            """
        var outcome = ChangeOutcome.none
        var stored: [(id: Int64, recipient: String)] = []
        for try await (postId, commentId, requestId, eventId, recipient) in try await batch.connection.prepared(
            statement.query, logger: logger
        ).decode((Int64?, Int64?, Int64?, Int64?, String?).self) {
            if let eventId, let recipient {
                stored.append((eventId, recipient))
            } else {
                outcome = ChangeOutcome(changed: true, postId: postId, commentId: commentId, requestId: requestId)
            }
        }
        batch.stored(stored.sorted { $0.id < $1.id })
        return outcome
    }

    /// The change's statement as common table expressions, the last named `changed`, which
    /// returns `post_id`, `comment_id` and `request_id` (what it made or touched) for each row
    /// it changed. (A change of several statements is several expressions: PostgreSQL runs
    /// them on one snapshot, so none may need to see another's rows.)
    private static func sql(_ change: RowChange) -> SQLFragment {
        let none: SQLFragment = "NULL::BIGINT AS comment_id, NULL::BIGINT AS request_id"
        let nothing: SQLFragment = "NULL::BIGINT AS post_id, NULL::BIGINT AS comment_id, NULL::BIGINT AS request_id"
        switch change {
        case .addPost(let author, let text, let audience, let media):
            return """
                changed AS (
                    INSERT INTO posts (author_id, text, created_at, audience)
                    VALUES (\(author), \(text), \(StoreClock.now()), \(audience.kind))
                    RETURNING id AS post_id, \(none)),
                named AS (
                    INSERT INTO post_audience (post_id, user_id)
                    SELECT changed.post_id, named.user_id FROM changed, unnest(\(audience.named)::TEXT[]) AS named(user_id)
                    ON CONFLICT DO NOTHING),
                attached AS (
                    UPDATE media m SET post_id = changed.post_id, position = a.position - 1, alt = a.alt
                    FROM changed, unnest(\(media.map(\.id))::TEXT[], \(media.map(\.alt))::TEXT[])
                        WITH ORDINALITY AS a(id, alt, position)
                    WHERE m.id = a.id AND m.owner_id = \(author) AND m.post_id IS NULL)
                """
        case .setAudience(let postId, let audience):
            return """
                changed AS (
                    UPDATE posts SET audience = \(audience.kind) WHERE id = \(postId)
                    RETURNING id AS post_id, \(none)),
                unnamed AS (
                    DELETE FROM post_audience WHERE post_id = \(postId) AND NOT (user_id = ANY(\(audience.named)::TEXT[]))),
                named AS (
                    INSERT INTO post_audience (post_id, user_id)
                    SELECT \(postId), named.user_id FROM unnest(\(audience.named)::TEXT[]) AS named(user_id)
                    ON CONFLICT DO NOTHING)
                """
        case .addLike(let postId, let user):
            return """
                changed AS (
                    INSERT INTO likes (post_id, user_id, created_at) VALUES (\(postId), \(user), \(StoreClock.now()))
                    ON CONFLICT DO NOTHING RETURNING post_id, \(none))
                """
        case .removeLike(let postId, let user):
            return """
                changed AS (
                    DELETE FROM likes WHERE post_id = \(postId) AND user_id = \(user)
                    RETURNING post_id, \(none))
                """
        case .addComment(let postId, let author, let text, let replyTo):
            return """
                changed AS (
                    INSERT INTO comments (post_id, author_id, text, created_at, reply_to_id, reply_to_user)
                    VALUES (\(postId), \(author), \(text), \(StoreClock.now()), \(replyTo?.commentId), \(replyTo?.user))
                    RETURNING post_id, id AS comment_id, NULL::BIGINT AS request_id)
                """
        case .deleteComment(let comment, let postAuthor):
            // Each expression but the first runs only if the comment was still there.
            return """
                changed AS (
                    DELETE FROM comments WHERE id = \(comment.id)
                    RETURNING post_id, id AS comment_id, NULL::BIGINT AS request_id),
                unlinked AS (
                    UPDATE comments SET reply_to_id = NULL
                    WHERE reply_to_id = \(comment.id) AND EXISTS (SELECT 1 FROM changed)),
                erased AS (
                    UPDATE events SET text = NULL, read = true
                    WHERE comment_id = \(comment.id) AND type = 'comment' AND EXISTS (SELECT 1 FROM changed)),
                answers_gone AS (
                    UPDATE idempotency_keys SET fingerprint = '', status = 410,
                        body = \(ByteBuffer(bytes: StoredAnswer.gone.body)), post_id = NULL, comment_id = NULL
                    WHERE comment_id = \(comment.id) AND EXISTS (SELECT 1 FROM changed)),
                answers_dropped AS (
                    DELETE FROM idempotency_keys
                    WHERE post_id = \(comment.postId) AND comment_id IS NULL AND NOT made
                      AND EXISTS (SELECT 1 FROM changed)),
                buried AS (
                    INSERT INTO tombstones (kind, id, post_author, comment_author, deleted_at)
                    SELECT 'comment', comment_id, \(postAuthor), \(comment.author), \(StoreClock.now()) FROM changed)
                """
        case .deletePost(let postId, let author):
            // The rows that hang on the post go in the same statement (foreign keys are checked
            // at its end); the rest runs only if the post was still there.
            return """
                comments_buried AS (
                    INSERT INTO tombstones (kind, id, post_author, comment_author, deleted_at)
                    SELECT 'comment', id, \(author), author_id, \(StoreClock.now()) FROM comments WHERE post_id = \(postId)
                    ON CONFLICT DO NOTHING),
                likes_gone AS (DELETE FROM likes WHERE post_id = \(postId)),
                comments_gone AS (DELETE FROM comments WHERE post_id = \(postId)),
                audience_gone AS (DELETE FROM post_audience WHERE post_id = \(postId)),
                media_gone AS (DELETE FROM media WHERE post_id = \(postId) RETURNING thumb_digest, large_digest),
                media_released AS (
                    UPDATE media_files f SET refs = f.refs - r.n
                    FROM (SELECT d, COUNT(*) AS n FROM media_gone, unnest(ARRAY[thumb_digest, large_digest]) AS d
                          GROUP BY d) r
                    WHERE f.digest = r.d),
                changed AS (
                    DELETE FROM posts WHERE id = \(postId)
                    RETURNING id AS post_id, \(none)),
                erased AS (
                    UPDATE events SET text = NULL, read = true
                    WHERE post_id = \(postId) AND (text IS NOT NULL OR NOT read) AND EXISTS (SELECT 1 FROM changed)),
                answers_gone AS (
                    UPDATE idempotency_keys SET fingerprint = '', status = 410,
                        body = \(ByteBuffer(bytes: StoredAnswer.gone.body)), post_id = NULL, comment_id = NULL
                    WHERE post_id = \(postId) AND made AND EXISTS (SELECT 1 FROM changed)),
                answers_dropped AS (
                    DELETE FROM idempotency_keys WHERE post_id = \(postId) AND NOT made AND EXISTS (SELECT 1 FROM changed)),
                buried AS (
                    INSERT INTO tombstones (kind, id, post_author, comment_author, deleted_at)
                    SELECT 'post', post_id, \(author), NULL, \(StoreClock.now()) FROM changed)
                """
        case .readLikeEvents(let recipient, let liker, let postId):
            return """
                changed AS (
                    UPDATE events SET read = true
                    WHERE recipient_id = \(recipient) AND type = 'like' AND actor_id = \(liker) AND post_id = \(postId)
                      AND NOT read
                    RETURNING \(nothing))
                """
        case .readEvents(let user, let upTo):
            return """
                changed AS (
                    UPDATE events SET read = true WHERE recipient_id = \(user) AND id <= \(upTo) AND NOT read
                    RETURNING \(nothing))
                """
        case .addRequest(let from, let to, let note):
            return """
                changed AS (
                    INSERT INTO friend_requests (from_id, to_id, note, created_at)
                    VALUES (\(from), \(to), \(note), \(StoreClock.now()))
                    RETURNING NULL::BIGINT AS post_id, NULL::BIGINT AS comment_id, id AS request_id)
                """
        case .acceptRequest(let id, let from, let to):
            return """
                changed AS (
                    UPDATE friend_requests SET state = 'accepted' WHERE id = \(id) AND state = 'pending'
                    RETURNING NULL::BIGINT AS post_id, NULL::BIGINT AS comment_id, id AS request_id),
                befriended AS (
                    INSERT INTO friendships (user_id, friend_id)
                    SELECT pair.a, pair.b FROM changed, (VALUES (\(from), \(to)), (\(to), \(from))) AS pair(a, b)
                    ON CONFLICT DO NOTHING)
                """
        case .declineRequest(let id):
            return """
                changed AS (
                    UPDATE friend_requests SET state = 'declined' WHERE id = \(id) AND state = 'pending'
                    RETURNING \(nothing))
                """
        case .readRequestEvents(let recipient, let requestId):
            return """
                changed AS (
                    UPDATE events SET read = true
                    WHERE recipient_id = \(recipient) AND request_id = \(requestId) AND type = 'friend_request'
                      AND NOT read
                    RETURNING \(nothing))
                """
        case .addFriendship(let a, let b):
            return """
                changed AS (
                    INSERT INTO friendships (user_id, friend_id) VALUES (\(a), \(b)), (\(b), \(a))
                    ON CONFLICT DO NOTHING RETURNING \(nothing))
                """
        case .removeFriendship(let a, let b):
            return """
                changed AS (
                    DELETE FROM friendships
                    WHERE (user_id = \(a) AND friend_id = \(b)) OR (user_id = \(b) AND friend_id = \(a))
                    RETURNING \(nothing))
                """
        case .refreshFriendship(let a, let b):
            return refresh(Visibility.friendshipScope(":a", ":b"), ["a": a, "b": b])
        case .refreshPost(let postId):
            return refresh("post_id = :post", ["post": postId])
        }
    }

    private static func refresh(_ scope: String, _ values: [String: any PostgresDynamicTypeEncodable & Sendable])
        -> SQLFragment
    {
        """
        changed AS (
            \(SQLFragment(Visibility.refreshSQL(scope: scope), binding: values))
            RETURNING post_id, NULL::BIGINT AS comment_id, NULL::BIGINT AS request_id)
        """
    }
}
