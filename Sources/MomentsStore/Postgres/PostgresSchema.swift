import Logging
import PostgresNIO

/// Schema history of the shared store; append migrations, never edit a shipped one.
enum PostgresSchema {
    static let migrations: [(version: String, sql: [PostgresQuery])] = [
        (
            "v1",
            [
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE friendships (
                    user_id TEXT NOT NULL REFERENCES users(id),
                    friend_id TEXT NOT NULL REFERENCES users(id),
                    PRIMARY KEY (user_id, friend_id)
                )
                """,
                """
                CREATE TABLE posts (
                    id BIGSERIAL PRIMARY KEY,
                    author_id TEXT NOT NULL REFERENCES users(id),
                    text TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX posts_author ON posts(author_id, id)",
                """
                CREATE TABLE likes (
                    post_id BIGINT NOT NULL REFERENCES posts(id),
                    user_id TEXT NOT NULL REFERENCES users(id),
                    created_at BIGINT NOT NULL,
                    seq BIGSERIAL,
                    PRIMARY KEY (post_id, user_id)
                )
                """,
                """
                CREATE TABLE comments (
                    id BIGSERIAL PRIMARY KEY,
                    post_id BIGINT NOT NULL REFERENCES posts(id),
                    author_id TEXT NOT NULL REFERENCES users(id),
                    text TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX comments_post ON comments(post_id, id)",
                // One sequence for every node: ids never repeat, and (with the per-recipient lock
                // writers take) each user's events commit in id order, so cursors work anywhere.
                """
                CREATE TABLE events (
                    id BIGSERIAL PRIMARY KEY,
                    recipient_id TEXT NOT NULL REFERENCES users(id),
                    type TEXT NOT NULL,
                    actor_id TEXT NOT NULL REFERENCES users(id),
                    post_id BIGINT NOT NULL REFERENCES posts(id),
                    comment_id BIGINT REFERENCES comments(id),
                    text TEXT,
                    created_at BIGINT NOT NULL,
                    read BOOLEAN NOT NULL DEFAULT false
                )
                """,
                "CREATE INDEX events_recipient ON events(recipient_id, id)",
                "CREATE INDEX events_unread ON events(recipient_id) WHERE NOT read",
                "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]
        ),
        (
            // Events from `POST /api/publish` have no actor and no post, and carry `data`.
            "v2 custom events",
            [
                "ALTER TABLE events ALTER COLUMN actor_id DROP NOT NULL",
                "ALTER TABLE events ALTER COLUMN post_id DROP NOT NULL",
                "ALTER TABLE events ADD COLUMN data TEXT",
            ]
        ),
        (
            // Unread counts kept per user by a trigger, whatever path reads or writes events:
            // counting the unread events on every new event grew with each user's history.
            "v3 unread counters",
            [
                "CREATE TABLE unread_counts (user_id TEXT PRIMARY KEY REFERENCES users(id), unread BIGINT NOT NULL)",
                """
                INSERT INTO unread_counts (user_id, unread)
                    SELECT recipient_id, COUNT(*) FROM events WHERE NOT read GROUP BY recipient_id
                """,
                """
                CREATE FUNCTION events_unread() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        IF NOT OLD.read THEN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = OLD.recipient_id;
                        END IF;
                        RETURN OLD;
                    END IF;
                    IF NOT NEW.read AND (TG_OP = 'INSERT' OR OLD.read) THEN
                        INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                            ON CONFLICT (user_id) DO UPDATE SET unread = unread_counts.unread + 1;
                    ELSIF TG_OP = 'UPDATE' AND NEW.read AND NOT OLD.read THEN
                        UPDATE unread_counts SET unread = unread - 1 WHERE user_id = NEW.recipient_id;
                    END IF;
                    RETURN NEW;
                END
                $$
                """,
                """
                CREATE TRIGGER events_unread AFTER INSERT OR UPDATE OF read OR DELETE ON events
                    FOR EACH ROW EXECUTE FUNCTION events_unread()
                """,
            ]
        ),
        (
            "v4 idempotency keys",
            [
                """
                CREATE TABLE idempotency_keys (
                    scope TEXT NOT NULL,
                    key TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BYTEA NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (scope, key)
                )
                """,
                "CREATE INDEX idempotency_keys_age ON idempotency_keys(created_at)",
            ]
        ),
        (
            "v5 token revocations",
            [
                """
                CREATE TABLE token_revocations (
                    user_id TEXT PRIMARY KEY REFERENCES users(id),
                    revoked_before BIGINT NOT NULL
                )
                """,
                "CREATE INDEX token_revocations_time ON token_revocations(revoked_before)",
            ]
        ),
    ]

    /// Applies what is missing, under an advisory lock so nodes starting together take turns.
    static func migrate(_ pool: PostgresPool, logger: Logger) async throws {
        try await pool.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7242001)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)", logger: logger)
            var applied = Set<String>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.sql { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }
}
