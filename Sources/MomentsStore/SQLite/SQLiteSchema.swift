import GRDB
import Logging

/// Schema history of the embedded store; append migrations, never edit a shipped one.
enum SQLiteSchema {
    /// The steps in order, the same steps as the shared store's (SchemaCompatibility counts them).
    static let steps: [(name: String, run: @Sendable (Database) throws -> Void)] = [
        (
            "v1",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE users (
                            id TEXT PRIMARY KEY NOT NULL,
                            name TEXT NOT NULL,
                            created_at INTEGER NOT NULL
                        );
                        CREATE TABLE friendships (
                            user_id TEXT NOT NULL REFERENCES users(id),
                            friend_id TEXT NOT NULL REFERENCES users(id),
                            PRIMARY KEY (user_id, friend_id)
                        ) WITHOUT ROWID;
                        CREATE TABLE posts (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            author_id TEXT NOT NULL REFERENCES users(id),
                            text TEXT NOT NULL,
                            created_at INTEGER NOT NULL
                        );
                        CREATE INDEX posts_author ON posts(author_id, id);
                        CREATE TABLE likes (
                            post_id INTEGER NOT NULL REFERENCES posts(id),
                            user_id TEXT NOT NULL REFERENCES users(id),
                            created_at INTEGER NOT NULL,
                            PRIMARY KEY (post_id, user_id)
                        );
                        CREATE TABLE comments (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            post_id INTEGER NOT NULL REFERENCES posts(id),
                            author_id TEXT NOT NULL REFERENCES users(id),
                            text TEXT NOT NULL,
                            created_at INTEGER NOT NULL
                        );
                        CREATE INDEX comments_post ON comments(post_id, id);
                        -- AUTOINCREMENT: ids are never reused, so a cursor always means the same place.
                        CREATE TABLE events (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            recipient_id TEXT NOT NULL REFERENCES users(id),
                            type TEXT NOT NULL,
                            actor_id TEXT NOT NULL REFERENCES users(id),
                            post_id INTEGER NOT NULL REFERENCES posts(id),
                            comment_id INTEGER REFERENCES comments(id),
                            text TEXT,
                            created_at INTEGER NOT NULL,
                            read INTEGER NOT NULL DEFAULT 0
                        );
                        CREATE INDEX events_recipient ON events(recipient_id, id);
                        CREATE INDEX events_unread ON events(recipient_id) WHERE read = 0;
                        """)
            }
        ),
        // Events from `POST /api/publish` have no actor and no post, and carry `data`.
        (
            "v2 custom events",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE events_v2 (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            recipient_id TEXT NOT NULL REFERENCES users(id),
                            type TEXT NOT NULL,
                            actor_id TEXT REFERENCES users(id),
                            post_id INTEGER REFERENCES posts(id),
                            comment_id INTEGER REFERENCES comments(id),
                            text TEXT,
                            data TEXT,
                            created_at INTEGER NOT NULL,
                            read INTEGER NOT NULL DEFAULT 0
                        );
                        INSERT INTO events_v2 (id, recipient_id, type, actor_id, post_id, comment_id, text, created_at, read)
                            SELECT id, recipient_id, type, actor_id, post_id, comment_id, text, created_at, read FROM events;
                        DROP TABLE events;
                        ALTER TABLE events_v2 RENAME TO events;
                        CREATE INDEX events_recipient ON events(recipient_id, id);
                        CREATE INDEX events_unread ON events(recipient_id) WHERE read = 0;
                        """)
            }
        ),
        // Unread counts kept per user by triggers, whatever path reads or writes events: counting
        // the unread events on every new event grew with each user's history.
        (
            "v3 unread counters",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE unread_counts (
                            user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
                            unread INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        INSERT INTO unread_counts (user_id, unread)
                            SELECT recipient_id, COUNT(*) FROM events WHERE read = 0 GROUP BY recipient_id;
                        CREATE TRIGGER events_unread_insert AFTER INSERT ON events WHEN NEW.read = 0 BEGIN
                            INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                                ON CONFLICT (user_id) DO UPDATE SET unread = unread + 1;
                        END;
                        CREATE TRIGGER events_unread_marked AFTER UPDATE OF read ON events
                        WHEN OLD.read = 0 AND NEW.read != 0 BEGIN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = NEW.recipient_id;
                        END;
                        CREATE TRIGGER events_unread_unmarked AFTER UPDATE OF read ON events
                        WHEN OLD.read != 0 AND NEW.read = 0 BEGIN
                            INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                                ON CONFLICT (user_id) DO UPDATE SET unread = unread + 1;
                        END;
                        CREATE TRIGGER events_unread_delete AFTER DELETE ON events WHEN OLD.read = 0 BEGIN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = OLD.recipient_id;
                        END;
                        """)
            }
        ),
        (
            "v4 idempotency keys",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE idempotency_keys (
                            scope TEXT NOT NULL,
                            key TEXT NOT NULL,
                            fingerprint TEXT NOT NULL,
                            status INTEGER NOT NULL,
                            body BLOB NOT NULL,
                            created_at INTEGER NOT NULL,
                            PRIMARY KEY (scope, key)
                        ) WITHOUT ROWID;
                        CREATE INDEX idempotency_keys_age ON idempotency_keys(created_at);
                        """)
            }
        ),
        (
            "v5 token revocations",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE token_revocations (
                            user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id),
                            revoked_before INTEGER NOT NULL
                        ) WITHOUT ROWID;
                        CREATE INDEX token_revocations_time ON token_revocations(revoked_before);
                        """)
            }
        ),
        // Privacy (`Visibility`): an audience per post, friend requests, and a `hidden` mark on
        // each event its recipient may not see now, re-judged when a friendship or an audience
        // changes; the unread counters count only what is unread and not hidden. Events already
        // stored are judged by the new rules here.
        (
            "v6 privacy",
            { db in
                try db.execute(
                    sql: """
                        ALTER TABLE posts ADD COLUMN audience TEXT NOT NULL DEFAULT 'friends';
                        CREATE TABLE post_audience (
                            post_id INTEGER NOT NULL REFERENCES posts(id),
                            user_id TEXT NOT NULL REFERENCES users(id),
                            PRIMARY KEY (post_id, user_id)
                        ) WITHOUT ROWID;
                        CREATE TABLE friend_requests (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            from_id TEXT NOT NULL REFERENCES users(id),
                            to_id TEXT NOT NULL REFERENCES users(id),
                            note TEXT NOT NULL,
                            state TEXT NOT NULL DEFAULT 'pending',
                            created_at INTEGER NOT NULL
                        );
                        CREATE INDEX friend_requests_to ON friend_requests(to_id, id) WHERE state = 'pending';
                        CREATE INDEX friend_requests_from ON friend_requests(from_id, id) WHERE state = 'pending';
                        ALTER TABLE events ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
                        ALTER TABLE events ADD COLUMN request_id INTEGER REFERENCES friend_requests(id);
                        CREATE INDEX events_post ON events(post_id) WHERE post_id IS NOT NULL;
                        DROP TRIGGER events_unread_insert;
                        DROP TRIGGER events_unread_marked;
                        DROP TRIGGER events_unread_unmarked;
                        DROP TRIGGER events_unread_delete;
                        -- Every audience is all friends yet: the rules of `Visibility` as they read here.
                        UPDATE events SET hidden = 1
                        WHERE type IN ('like', 'unlike', 'comment', 'post') AND NOT EXISTS (
                            SELECT 1 FROM posts p WHERE p.id = events.post_id
                              AND (p.author_id = events.recipient_id OR EXISTS (SELECT 1 FROM friendships f
                                    WHERE f.user_id = events.recipient_id AND f.friend_id = p.author_id))
                              AND (events.actor_id = events.recipient_id OR EXISTS (SELECT 1 FROM friendships f
                                    WHERE f.user_id = events.recipient_id AND f.friend_id = events.actor_id)));
                        DELETE FROM unread_counts;
                        INSERT INTO unread_counts (user_id, unread)
                            SELECT recipient_id, COUNT(*) FROM events WHERE read = 0 AND hidden = 0 GROUP BY recipient_id;
                        CREATE TRIGGER events_unread_insert AFTER INSERT ON events
                        WHEN NEW.read = 0 AND NEW.hidden = 0 BEGIN
                            INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                                ON CONFLICT (user_id) DO UPDATE SET unread = unread + 1;
                        END;
                        CREATE TRIGGER events_unread_uncounted AFTER UPDATE OF read, hidden ON events
                        WHEN OLD.read = 0 AND OLD.hidden = 0 AND NOT (NEW.read = 0 AND NEW.hidden = 0) BEGIN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = NEW.recipient_id;
                        END;
                        CREATE TRIGGER events_unread_counted AFTER UPDATE OF read, hidden ON events
                        WHEN NEW.read = 0 AND NEW.hidden = 0 AND NOT (OLD.read = 0 AND OLD.hidden = 0) BEGIN
                            INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                                ON CONFLICT (user_id) DO UPDATE SET unread = unread + 1;
                        END;
                        CREATE TRIGGER events_unread_delete AFTER DELETE ON events
                        WHEN OLD.read = 0 AND OLD.hidden = 0 BEGIN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = OLD.recipient_id;
                        END;
                        """)
            }
        ),
        // Deletes and replies. A deleted post or comment leaves its events in place without its
        // words, so events no longer name posts and comments by foreign key (the table is
        // rebuilt without them, as SQLite asks); replies name the comment they answer and its
        // author; kept answers say what they show, for a delete to erase; tombstones remember
        // who could delete what is gone.
        (
            "v7 deletes and replies",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE events_v7 (
                            id INTEGER PRIMARY KEY AUTOINCREMENT,
                            recipient_id TEXT NOT NULL REFERENCES users(id),
                            type TEXT NOT NULL,
                            actor_id TEXT REFERENCES users(id),
                            post_id INTEGER,
                            comment_id INTEGER,
                            text TEXT,
                            data TEXT,
                            created_at INTEGER NOT NULL,
                            read INTEGER NOT NULL DEFAULT 0,
                            hidden INTEGER NOT NULL DEFAULT 0,
                            request_id INTEGER REFERENCES friend_requests(id)
                        );
                        INSERT INTO events_v7 (
                            id, recipient_id, type, actor_id, post_id, comment_id, text, data, created_at, read, hidden,
                            request_id)
                        SELECT id, recipient_id, type, actor_id, post_id, comment_id, text, data, created_at, read, hidden,
                            request_id
                        FROM events;
                        -- Ids are never reused: the sequence goes on where it was.
                        UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM sqlite_sequence WHERE name = 'events'))
                        WHERE name = 'events_v7';
                        DROP TABLE events;
                        ALTER TABLE events_v7 RENAME TO events;
                        CREATE INDEX events_recipient ON events(recipient_id, id);
                        CREATE INDEX events_post ON events(post_id) WHERE post_id IS NOT NULL;
                        CREATE INDEX events_comment ON events(comment_id) WHERE comment_id IS NOT NULL;
                        CREATE INDEX events_unread ON events(recipient_id) WHERE read = 0;
                        CREATE TRIGGER events_unread_insert AFTER INSERT ON events
                        WHEN NEW.read = 0 AND NEW.hidden = 0 BEGIN
                            INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                                ON CONFLICT (user_id) DO UPDATE SET unread = unread + 1;
                        END;
                        CREATE TRIGGER events_unread_uncounted AFTER UPDATE OF read, hidden ON events
                        WHEN OLD.read = 0 AND OLD.hidden = 0 AND NOT (NEW.read = 0 AND NEW.hidden = 0) BEGIN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = NEW.recipient_id;
                        END;
                        CREATE TRIGGER events_unread_counted AFTER UPDATE OF read, hidden ON events
                        WHEN NEW.read = 0 AND NEW.hidden = 0 AND NOT (OLD.read = 0 AND OLD.hidden = 0) BEGIN
                            INSERT INTO unread_counts (user_id, unread) VALUES (NEW.recipient_id, 1)
                                ON CONFLICT (user_id) DO UPDATE SET unread = unread + 1;
                        END;
                        CREATE TRIGGER events_unread_delete AFTER DELETE ON events
                        WHEN OLD.read = 0 AND OLD.hidden = 0 BEGIN
                            UPDATE unread_counts SET unread = unread - 1 WHERE user_id = OLD.recipient_id;
                        END;
                        ALTER TABLE comments ADD COLUMN reply_to_id INTEGER;
                        ALTER TABLE comments ADD COLUMN reply_to_user TEXT REFERENCES users(id);
                        CREATE INDEX comments_reply ON comments(reply_to_id) WHERE reply_to_id IS NOT NULL;
                        ALTER TABLE idempotency_keys ADD COLUMN post_id INTEGER;
                        ALTER TABLE idempotency_keys ADD COLUMN comment_id INTEGER;
                        ALTER TABLE idempotency_keys ADD COLUMN made INTEGER NOT NULL DEFAULT 0;
                        CREATE INDEX idempotency_keys_post ON idempotency_keys(post_id) WHERE post_id IS NOT NULL;
                        CREATE TABLE tombstones (
                            kind TEXT NOT NULL,
                            id INTEGER NOT NULL,
                            post_author TEXT NOT NULL,
                            comment_author TEXT,
                            deleted_at INTEGER NOT NULL,
                            PRIMARY KEY (kind, id)
                        ) WITHOUT ROWID;
                        """)
            }
        ),
        // Bounded history: how far retention has pruned, and the epoch a cursor belongs to.
        (
            "v8 retention",
            { db in
                try db.execute(
                    sql: """
                        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                        INSERT INTO settings (key, value) VALUES ('epoch', lower(hex(randomblob(8))));
                        INSERT INTO settings (key, value) VALUES ('pruned_through', '0');
                        -- Per user: the newest of their events pruned (a cursor below it missed some).
                        ALTER TABLE users ADD COLUMN pruned_through INTEGER NOT NULL DEFAULT 0;
                        """)
            }
        ),
        (
            "v9 media",
            { db in
                try db.execute(
                    sql: """
                        -- A picture as uploaded by its owner: unattached (post_id NULL) until a post of
                        -- theirs takes it. width and height are the original's, upright.
                        CREATE TABLE media (
                            id TEXT PRIMARY KEY NOT NULL,
                            owner_id TEXT NOT NULL REFERENCES users(id),
                            post_id INTEGER,
                            position INTEGER NOT NULL DEFAULT 0,
                            alt TEXT NOT NULL DEFAULT '',
                            width INTEGER NOT NULL,
                            height INTEGER NOT NULL,
                            thumb_digest TEXT NOT NULL,
                            large_digest TEXT NOT NULL,
                            created_at INTEGER NOT NULL
                        );
                        CREATE INDEX media_post ON media(post_id, position) WHERE post_id IS NOT NULL;
                        CREATE INDEX media_unattached ON media(created_at) WHERE post_id IS NULL;
                        -- The re-encoded bytes, by SHA-256, counted by the media rows naming them. A
                        -- store in a file keeps them in files beside it (data NULL); in memory, here.
                        CREATE TABLE media_files (
                            digest TEXT PRIMARY KEY NOT NULL,
                            refs INTEGER NOT NULL,
                            length INTEGER NOT NULL,
                            data BLOB
                        ) WITHOUT ROWID;
                        """)
            }
        ),
    ]

    /// The migrator of a binary that knows the first `known` steps (all of them, but for tests
    /// that play an earlier release).
    static func migrator(knowing known: Int = steps.count) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for step in steps.prefix(known) { migrator.registerMigration(step.name, migrate: step.run) }
        return migrator
    }

    /// Brings the database up to the `known` steps, one log line per step, after checking this
    /// binary may use it; records what the database now needs (never less than before: an
    /// older binary restarting mid-roll must not lower it).
    static func upgrade(_ writer: any DatabaseWriter, knowing known: Int = steps.count, logger: Logger) throws {
        let migrator = migrator(knowing: known)
        let (applied, recorded) = try writer.read { db in
            let applied = try migrator.appliedIdentifiers(db)
            let recorded =
                try db.tableExists("settings")
                ? try String.fetchOne(
                    db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [SchemaCompatibility.settingKey]
                ).flatMap(Int.init) : nil
            return (applied, recorded)
        }
        try SchemaCompatibility.check(recorded: recorded, known: known)
        let unknown = applied.subtracting(migrator.migrations)
        if !unknown.isEmpty {
            logger.notice(
                "database has \(unknown.count) newer schema step(s) this binary does not know; they only add, so it starts"
            )
        }
        if applied.isEmpty {
            try migrator.migrate(writer)
            logger.debug("database created at schema v\(known)")
        } else {
            for name in migrator.migrations where !applied.contains(name) {
                try migrator.migrate(writer, upTo: name)
                logger.notice("database upgraded: schema step \"\(name)\"")
            }
        }
        let needed = SchemaCompatibility.needed(applied: known, recorded: recorded)
        guard needed != recorded else { return }
        try writer.write { db in
            guard try db.tableExists("settings") else { return }  // an earlier release's test
            try db.execute(
                sql: "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                arguments: [SchemaCompatibility.settingKey, String(needed)])
        }
    }
}
