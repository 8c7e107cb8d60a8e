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
        (
            // Privacy (`Visibility`): an audience per post, friend requests, and a `hidden` mark on
            // each event its recipient may not see now, re-judged when a friendship or an audience
            // changes; the unread counters count only what is unread and not hidden. Events
            // already stored are judged by the new rules here.
            "v6 privacy",
            [
                "ALTER TABLE posts ADD COLUMN audience TEXT NOT NULL DEFAULT 'friends'",
                """
                CREATE TABLE post_audience (
                    post_id BIGINT NOT NULL REFERENCES posts(id),
                    user_id TEXT NOT NULL REFERENCES users(id),
                    PRIMARY KEY (post_id, user_id)
                )
                """,
                """
                CREATE TABLE friend_requests (
                    id BIGSERIAL PRIMARY KEY,
                    from_id TEXT NOT NULL REFERENCES users(id),
                    to_id TEXT NOT NULL REFERENCES users(id),
                    note TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX friend_requests_to ON friend_requests(to_id, id) WHERE state = 'pending'",
                "CREATE INDEX friend_requests_from ON friend_requests(from_id, id) WHERE state = 'pending'",
                "ALTER TABLE events ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT false",
                "ALTER TABLE events ADD COLUMN request_id BIGINT REFERENCES friend_requests(id)",
                "CREATE INDEX events_post ON events(post_id) WHERE post_id IS NOT NULL",
                "DROP TRIGGER events_unread ON events",
                // Every audience is all friends yet: the rules of `Visibility` as they read here.
                """
                UPDATE events SET hidden = true
                WHERE type IN ('like', 'unlike', 'comment', 'post') AND NOT EXISTS (
                    SELECT 1 FROM posts p WHERE p.id = events.post_id
                      AND (p.author_id = events.recipient_id OR EXISTS (SELECT 1 FROM friendships f
                            WHERE f.user_id = events.recipient_id AND f.friend_id = p.author_id))
                      AND (events.actor_id = events.recipient_id OR EXISTS (SELECT 1 FROM friendships f
                            WHERE f.user_id = events.recipient_id AND f.friend_id = events.actor_id)))
                """,
                "DELETE FROM unread_counts",
                """
                INSERT INTO unread_counts (user_id, unread)
                    SELECT recipient_id, COUNT(*) FROM events WHERE NOT read AND NOT hidden GROUP BY recipient_id
                """,
                """
                CREATE OR REPLACE FUNCTION events_unread() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    was BOOLEAN := TG_OP <> 'INSERT' AND NOT OLD.read AND NOT OLD.hidden;
                    is_now BOOLEAN := TG_OP <> 'DELETE' AND NOT NEW.read AND NOT NEW.hidden;
                BEGIN
                    IF is_now AND NOT was THEN
                        INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                            ON CONFLICT (user_id) DO UPDATE SET unread = unread_counts.unread + 1;
                    ELSIF was AND NOT is_now THEN
                        UPDATE unread_counts SET unread = unread - 1 WHERE user_id = OLD.recipient_id;
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER events_unread AFTER INSERT OR UPDATE OF read, hidden OR DELETE ON events
                    FOR EACH ROW EXECUTE FUNCTION events_unread()
                """,
            ]
        ),
        (
            // Deletes and replies: a deleted post or comment leaves its events in place without
            // its words (so they no longer name it by foreign key); replies name the comment
            // they answer and its author; kept answers say what they show, for a delete to
            // erase; tombstones remember who could delete what is gone.
            "v7 deletes and replies",
            [
                "ALTER TABLE events DROP CONSTRAINT IF EXISTS events_post_id_fkey",
                "ALTER TABLE events DROP CONSTRAINT IF EXISTS events_comment_id_fkey",
                "CREATE INDEX events_comment ON events(comment_id) WHERE comment_id IS NOT NULL",
                "ALTER TABLE comments ADD COLUMN reply_to_id BIGINT, ADD COLUMN reply_to_user TEXT REFERENCES users(id)",
                "CREATE INDEX comments_reply ON comments(reply_to_id) WHERE reply_to_id IS NOT NULL",
                """
                ALTER TABLE idempotency_keys ADD COLUMN post_id BIGINT, ADD COLUMN comment_id BIGINT,
                    ADD COLUMN made BOOLEAN NOT NULL DEFAULT false
                """,
                "CREATE INDEX idempotency_keys_post ON idempotency_keys(post_id) WHERE post_id IS NOT NULL",
                """
                CREATE TABLE tombstones (
                    kind TEXT NOT NULL,
                    id BIGINT NOT NULL,
                    post_author TEXT NOT NULL,
                    comment_author TEXT,
                    deleted_at BIGINT NOT NULL,
                    PRIMARY KEY (kind, id)
                )
                """,
            ]
        ),
        (
            // Bounded history: how far retention has pruned, and the epoch a cursor belongs to.
            "v8 retention",
            [
                """
                INSERT INTO settings (key, value)
                VALUES ('epoch', substr(md5(random()::text || clock_timestamp()::text), 1, 16)),
                    ('pruned_through', '0')
                ON CONFLICT (key) DO NOTHING
                """,
                // Per user: the newest of their events pruned (a cursor below it missed some).
                "ALTER TABLE users ADD COLUMN pruned_through BIGINT NOT NULL DEFAULT 0",
            ]
        ),
        (
            // Pictures: the media rows as SQLite's; the bytes in PostgreSQL, so every node serves them.
            "v9 media",
            [
                """
                CREATE TABLE media (
                    id TEXT PRIMARY KEY,
                    owner_id TEXT NOT NULL REFERENCES users(id),
                    post_id BIGINT,
                    position INTEGER NOT NULL DEFAULT 0,
                    alt TEXT NOT NULL DEFAULT '',
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    thumb_digest TEXT NOT NULL,
                    large_digest TEXT NOT NULL,
                    created_at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX media_post ON media(post_id, position) WHERE post_id IS NOT NULL",
                "CREATE INDEX media_unattached ON media(created_at) WHERE post_id IS NULL",
                """
                CREATE TABLE media_files (
                    digest TEXT PRIMARY KEY,
                    refs INTEGER NOT NULL,
                    length INTEGER NOT NULL,
                    data BYTEA NOT NULL
                )
                """,
            ]
        ),
    ]

    /// Applies what is missing of the `known` steps (all of them, but for tests that play an
    /// earlier release), under an advisory lock so nodes starting together take turns, after
    /// checking this binary may use the database; records what it now needs (never less than
    /// before: an older node restarting mid-roll must not lower it). One log line per step.
    static func migrate(_ pool: PostgresPool, knowing known: Int = migrations.count, logger: Logger) async throws {
        let steps = migrations.prefix(known)
        let (created, ran, unknown) = try await pool.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7242001)", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY)", logger: logger)
            var applied = Set<String>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                applied.insert(version)
            }
            var hasSettings = false
            for try await exists in try await connection.query(
                "SELECT to_regclass('settings') IS NOT NULL", logger: logger
            ).decode(Bool.self) {
                hasSettings = exists
            }
            var recorded: Int?
            if hasSettings {
                for try await value in try await connection.query(
                    "SELECT value FROM settings WHERE key = \(SchemaCompatibility.settingKey)", logger: logger
                ).decode(String.self) {
                    recorded = Int(value)
                }
            }
            try SchemaCompatibility.check(recorded: recorded, known: known)
            var ran: [String] = []
            for migration in steps where !applied.contains(migration.version) {
                for statement in migration.sql { try await connection.query(statement, logger: logger) }
                try await connection.query(
                    "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                ran.append(migration.version)
            }
            // Written only when it changes, as on SQLite: a node's start is not a write.
            let needed = SchemaCompatibility.needed(applied: known, recorded: recorded)
            if needed != recorded {
                try await connection.query(
                    """
                    INSERT INTO settings (key, value) VALUES (\(SchemaCompatibility.settingKey), \(String(needed)))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, logger: logger)
            }
            return (applied.isEmpty, ran, applied.subtracting(steps.map(\.version)).count)
        }
        if unknown > 0 {
            logger.notice(
                "database has \(unknown) newer schema step(s) this binary does not know; they only add, so it starts")
        }
        if created {
            logger.debug("database created at schema v\(known)")
        } else {
            for name in ran { logger.notice("database upgraded: schema step \"\(name)\"") }
        }
    }
}
