import MomentsCore
import NIOConcurrencyHelpers
import PostgresNIO

/// A statement of the hot paths (a write batch, the fan-out read, a stream's open and poll)
/// that PostgreSQL parses and plans once per connection instead of on every call: postgres-nio
/// prepares it under its type's name on first use. Each one's text is fixed (lists go as one
/// array parameter), so it can be.
///
/// Named statements belong to a server connection: a pooler in transaction mode (PgBouncer)
/// between the nodes and PostgreSQL would break them (docs/scaling.md).
protocol PreparedSQL: PostgresPreparedStatement where Row == PostgresRow {
    var bindings: PostgresBindings { get }
}

extension PreparedSQL {
    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }
}

extension PostgresBindings {
    /// `values` bound as $1, $2, … in order.
    static func of(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return bindings
    }
}

enum Prepared {
    /// Every stream lock of a batch in one statement, in key order (`BatchWrite.lockStreams`).
    struct LockStreams: PreparedSQL {
        static let sql = """
            SELECT pg_advisory_xact_lock(key) FROM (
                SELECT DISTINCT hashtext(stream) AS key FROM unnest($1::TEXT[]) AS stream ORDER BY key
            ) AS keys
            """
        let bindings: PostgresBindings

        init(_ streams: [String]) {
            bindings = .of(streams)
        }
    }

    /// The published events of a whole batch in one statement, each write's text and time
    /// sent once (`which` numbers a recipient's write, from 1). Ids are drawn in the order rows
    /// leave the sort, so the sorted ids follow `recipients`.
    struct InsertPublished: PreparedSQL {
        static let sql = """
            INSERT INTO events (recipient_id, type, data, created_at, read)
            SELECT d.recipient, $5, ($3::TEXT[])[d.which], ($4::BIGINT[])[d.which], false
            FROM unnest($1::TEXT[], $2::INT[]) WITH ORDINALITY AS d(recipient, which, n) ORDER BY d.n
            RETURNING id, recipient_id
            """
        let bindings: PostgresBindings

        init(recipients: [String], which: [Int32], texts: [String], createdAt: [Int64]) {
            bindings = .of(recipients, which, texts, createdAt, EventType.custom.rawValue)
        }
    }

    /// A batch's NOTIFYs, delivered at commit in this order.
    struct Notify: PreparedSQL {
        static let sql =
            "SELECT pg_notify($1, payload) FROM unnest($2::TEXT[]) WITH ORDINALITY AS p(payload, n) ORDER BY n"
        let bindings: PostgresBindings

        init(channel: String, payloads: [String]) {
            bindings = .of(channel, payloads)
        }
    }

    /// The fan-out read: notified (id, recipient) pairs as events, each with its recipient's
    /// unread count, in id order. The pair must match: a payload cannot make an event someone
    /// else's.
    struct NotifiedEvents: PreparedSQL {
        static let sql = """
            SELECT n.recipient, coalesce(c.unread, 0), ev.*
            FROM unnest($1::BIGINT[], $2::TEXT[]) AS n(id, recipient)
            JOIN LATERAL (\(StoredEvent.select) WHERE e.id = n.id AND e.recipient_id = n.recipient AND NOT e.hidden) AS ev
              ON true
            LEFT JOIN unread_counts c ON c.user_id = n.recipient
            ORDER BY ev.id
            """
        let bindings: PostgresBindings

        init(ids: [Int64], recipients: [String]) {
            bindings = .of(ids, recipients)
        }
    }

    /// A page of a user's stream after a cursor, each row with the user's unread count.
    struct StreamPage: PreparedSQL {
        static let sql = """
            SELECT coalesce(c.unread, 0), ev.*
            FROM (\(StoredEvent.select) WHERE e.recipient_id = $1 AND e.id > $2 AND NOT e.hidden ORDER BY e.id LIMIT $3) AS ev
            LEFT JOIN unread_counts c ON c.user_id = $1
            ORDER BY ev.id
            """
        let bindings: PostgresBindings

        init(user: String, after cursor: Int64, limit: Int) {
            bindings = .of(user, cursor, Int64(limit))
        }
    }

    /// Where a user's stream ends (its newest event, or the floor pruning left) and its unread
    /// count.
    struct Position: PreparedSQL {
        static let sql = """
            SELECT greatest(
                (SELECT coalesce(MAX(id), 0) FROM events WHERE recipient_id = $1),
                coalesce((SELECT pruned_through FROM users WHERE id = $1), 0))::BIGINT,
              coalesce((SELECT unread FROM unread_counts WHERE user_id = $1), 0)::BIGINT
            """
        let bindings: PostgresBindings

        init(user: String) {
            bindings = .of(user)
        }
    }

    /// A user's unread count.
    struct Unread: PreparedSQL {
        static let sql = "SELECT coalesce((SELECT unread FROM unread_counts WHERE user_id = $1), 0)::BIGINT"
        let bindings: PostgresBindings

        init(user: String) {
            bindings = .of(user)
        }
    }

    /// What a stream's cursor is checked against (`StreamHistory`).
    struct History: PreparedSQL {
        static let sql = """
            SELECT (SELECT value FROM settings WHERE key = 'epoch'),
                (SELECT value FROM settings WHERE key = 'pruned_through'),
                coalesce((SELECT pruned_through FROM users WHERE id = $1), 0)::BIGINT,
                (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_id_seq)
            """
        let bindings: PostgresBindings

        init(user: String) {
            bindings = .of(user)
        }
    }
}

extension PostgresConnection {
    /// Throws unless the connection is open. postgres-nio drops a statement sent on a closed
    /// connection without ever answering it (the write finds no handler, and its answer's
    /// promise is not failed): a batch that went on after losing its connection would wait
    /// forever, holding one of the node's batch slots. (Closed between this check and the
    /// send, it still would: that window is a few microseconds.)
    func ensureOpen() throws {
        guard !isClosed else { throw StoreError.unavailable("the connection to PostgreSQL was lost") }
    }

    /// A statement without values (BEGIN, COMMIT, ROLLBACK), on an open connection.
    func run(_ sql: PostgresQuery, logger: Logger) async throws {
        try ensureOpen()
        try await query(sql, logger: logger)
    }

    /// Every row of a prepared statement.
    func rows<Statement: PreparedSQL>(_ statement: Statement, logger: Logger) async throws -> [PostgresRow] {
        try ensureOpen()
        var rows: [PostgresRow] = []
        for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        return rows
    }
}

/// A statement assembled at run time (from the shared rules' SQL) whose text is still fixed
/// at its call site, prepared like the ones above: postgres-nio names a prepared statement by
/// its type, so this one type takes its name and text from the call (a task-local value read
/// while `execute` sends it), and each distinct text gets a name of its own. Only for call
/// sites whose nullable values have a type PostgreSQL can tell from their place in the
/// statement (a column they are compared with or stored in, or a cast): the statement is
/// parsed with the first call's types, where a null says none.
private struct TextStatement: PostgresPreparedStatement {
    struct Current: Sendable {
        var name = ""
        var sql = ""
    }
    @TaskLocal static var current = Current()
    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings
    func makeBindings() -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) -> PostgresRow { row }

    /// A name per distinct text, for the life of the process. Bounded: a text that varied
    /// with its values would otherwise fill every connection's statement cache.
    private static let names = NIOLockedValueBox<[String: String]>([:])
    static let limit = 1_000

    static func name(for sql: String) -> String? {
        names.withLockedValue { names in
            if let name = names[sql] { return name }
            guard names.count < limit else { return nil }
            let name = "moments_\(names.count + 1)"
            names[sql] = name
            return name
        }
    }
}

extension PostgresConnection {
    /// `query`, prepared once per connection (see `TextStatement`); past the limit of
    /// distinct texts, sent as before.
    func prepared(_ query: PostgresQuery, logger: Logger) async throws
        -> AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>
    {
        try ensureOpen()
        guard let name = TextStatement.name(for: query.sql) else {
            return try await self.query(query, logger: logger).map { row throws in row }
        }
        return try await TextStatement.$current.withValue(.init(name: name, sql: query.sql)) {
            try await execute(TextStatement(bindings: query.binds), logger: logger)
        }
    }
}
