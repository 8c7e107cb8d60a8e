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
        let (outcome, kept) = try await commits.write(plan: plan) { batch, planned -> (ChangeOutcome, T?) in
            // Read again under the locks (someone commented, a friend was made), but the post's
            // author: authors never change.
            let facts = try await self.facts(batch.connection, write.needs, knownAuthor: planned.postAuthor)
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
            try await self.keep(batch, idempotent, value)
            return (outcome, value)
        }
        if let kept { return kept }
        return try await pool.withConnection { try await answer($0, outcome) }
    }

    /// The facts `needs` asks for; a post's author already read (`knownAuthor`) is not read again.
    private func facts(_ connection: PostgresConnection, _ needs: StoreWrite.Needs, knownAuthor: String? = nil)
        async throws -> StoreWrite.Facts
    {
        var facts = StoreWrite.Facts(postAuthor: knownAuthor)
        if let post = needs.visiblePost, knownAuthor == nil {
            facts.postAuthor = try await strings(
                connection,
                """
                SELECT p.author_id FROM posts p WHERE p.id = \(post.id) AND (p.author_id = \(post.viewer) OR EXISTS (
                    SELECT 1 FROM friendships f WHERE f.user_id = \(post.viewer) AND f.friend_id = p.author_id))
                """
            ).first
        }
        if let postId = needs.commentersOf {
            facts.commenters = try await strings(
                connection, "SELECT DISTINCT author_id FROM comments WHERE post_id = \(postId)")
        }
        if let user = needs.friendsOf {
            facts.friends = try await strings(
                connection, "SELECT friend_id FROM friendships WHERE user_id = \(user) ORDER BY friend_id")
        }
        return facts
    }

    private func strings(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [String] {
        var values: [String] = []
        for try await value in try await connection.query(query, logger: logger).decode(String.self) {
            values.append(value)
        }
        return values
    }

    /// The change and, if it changed a row, the events it tells of (drafts that differ only in
    /// recipient): one statement, so one round trip while the batch holds its locks.
    private func apply(_ change: RowChange, telling told: [EventDraft], in batch: inout BatchWrite) async throws
        -> ChangeOutcome
    {
        guard let first = told.first, told.allSatisfy({ $0.sameEvent(as: first) }) else {
            let statement: SQLFragment =
                "WITH changed AS (\(Self.sql(change))) SELECT post_id, comment_id FROM changed LIMIT 1"
            var outcome = ChangeOutcome.none
            for try await (postId, commentId) in try await batch.connection.query(statement.query, logger: logger)
                .decode((Int64?, Int64?).self)
            {
                outcome = ChangeOutcome(changed: true, postId: postId, commentId: commentId)
            }
            // Drafts of several kinds (no write makes those yet) are stored one statement per kind.
            if outcome.changed, !told.isEmpty { _ = try await batch.insert(outcome.complete(told)) }
            return outcome
        }
        try batch.require(told.map(\.recipient))
        // The events only if the change made a row; a nil post or comment id is the one it made.
        // Ids are drawn in the order rows leave the sort, so sorted ids follow the drafts.
        let statement: SQLFragment = """
            WITH changed AS (\(Self.sql(change))),
            told AS (
                INSERT INTO events (recipient_id, type, actor_id, post_id, comment_id, text, data, created_at, read)
                SELECT d.recipient, \(first.type.rawValue), \(first.actor), coalesce(\(first.postId)::BIGINT, c.post_id),
                       coalesce(\(first.commentId)::BIGINT, c.comment_id), \(first.text), \(first.data),
                       \(StoreClock.now()), \(first.read)
                FROM (SELECT * FROM changed LIMIT 1) AS c,
                     unnest(\(told.map(\.recipient))::TEXT[]) WITH ORDINALITY AS d(recipient, n)
                ORDER BY n
                RETURNING id, recipient_id)
            (SELECT post_id, comment_id, NULL::BIGINT, NULL::TEXT FROM changed LIMIT 1)
            UNION ALL SELECT NULL, NULL, id, recipient_id FROM told
            """
        var outcome = ChangeOutcome.none
        var stored: [(id: Int64, recipient: String)] = []
        for try await (postId, commentId, eventId, recipient) in try await batch.connection.query(
            statement.query, logger: logger
        ).decode((Int64?, Int64?, Int64?, String?).self) {
            if let eventId, let recipient {
                stored.append((eventId, recipient))
            } else {
                outcome = ChangeOutcome(changed: true, postId: postId, commentId: commentId)
            }
        }
        batch.stored(stored.sorted { $0.id < $1.id })
        return outcome
    }

    /// The change's statement, returning `post_id` and `comment_id` (what it made or touched)
    /// for each row it changed.
    private static func sql(_ change: RowChange) -> SQLFragment {
        switch change {
        case .addPost(let author, let text):
            """
            INSERT INTO posts (author_id, text, created_at) VALUES (\(author), \(text), \(StoreClock.now()))
            RETURNING id AS post_id, NULL::BIGINT AS comment_id
            """
        case .addLike(let postId, let user):
            """
            INSERT INTO likes (post_id, user_id, created_at) VALUES (\(postId), \(user), \(StoreClock.now()))
            ON CONFLICT DO NOTHING RETURNING post_id, NULL::BIGINT AS comment_id
            """
        case .removeLike(let postId, let user):
            """
            DELETE FROM likes WHERE post_id = \(postId) AND user_id = \(user)
            RETURNING post_id, NULL::BIGINT AS comment_id
            """
        case .addComment(let postId, let author, let text):
            """
            INSERT INTO comments (post_id, author_id, text, created_at)
            VALUES (\(postId), \(author), \(text), \(StoreClock.now()))
            RETURNING post_id, id AS comment_id
            """
        case .readLikeEvents(let recipient, let liker, let postId):
            """
            UPDATE events SET read = true
            WHERE recipient_id = \(recipient) AND type = 'like' AND actor_id = \(liker) AND post_id = \(postId) AND NOT read
            RETURNING post_id, NULL::BIGINT AS comment_id
            """
        case .readEvents(let user, let upTo):
            """
            UPDATE events SET read = true WHERE recipient_id = \(user) AND id <= \(upTo) AND NOT read
            RETURNING NULL::BIGINT AS post_id, NULL::BIGINT AS comment_id
            """
        }
    }
}
