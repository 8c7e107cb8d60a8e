import Foundation
import GRDB
import Logging
import MomentsCore
import PostgresNIO
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// A store written at every earlier schema version opens in this one with nothing lost: the
/// same users, friendships, post, like, comment and notifications (unread counted right), and
/// it takes writes. Rows are written with whatever columns each version has.
@Suite("Schema upgrades from every earlier version")
struct MigrationTests {
    static let quiet = Logger(label: "migration", factory: { _ in SwiftLogNoOpLogHandler() })

    /// What a store of any version holds: rows as (table, candidate values). Only the columns
    /// a version has are written; one it requires and is not here fails the test.
    static func rows(now: Int64) -> [(String, [String: any Sendable])] {
        [
            ("users", ["id": "alice", "name": "Alice", "created_at": now]),
            ("users", ["id": "bob", "name": "Bob", "created_at": now]),
            ("friendships", ["user_id": "alice", "friend_id": "bob"]),
            ("friendships", ["user_id": "bob", "friend_id": "alice"]),
            ("posts", ["id": Int64(1), "author_id": "alice", "text": "升级之前的帖子", "created_at": now]),
            ("likes", ["post_id": Int64(1), "user_id": "bob", "created_at": now]),
            (
                "comments",
                ["id": Int64(1), "post_id": Int64(1), "author_id": "bob", "text": "old comment", "created_at": now]
            ),
            (
                "events",
                [
                    "id": Int64(1), "recipient_id": "alice", "type": "like", "actor_id": "bob", "post_id": Int64(1),
                    "created_at": now, "read": false,
                ]
            ),
            (
                "events",
                [
                    "id": Int64(2), "recipient_id": "alice", "type": "comment", "actor_id": "bob", "post_id": Int64(1),
                    "comment_id": Int64(1), "text": "old comment", "created_at": now, "read": false,
                ]
            ),
        ]
    }

    /// What every upgraded store must show, and that it takes a write.
    static func expectUpgraded(_ store: any MomentsStore, from version: String) async throws {
        let post = try await store.post(id: 1, viewer: "bob")
        #expect(post.text == "升级之前的帖子" && post.likeCount == 1, "from \(version)")
        #expect(post.comments.map(\.text) == ["old comment"], "from \(version)")
        let events = try await store.events(user: "alice", after: 0, limit: 10)
        #expect(events.map(\.id) == [1, 2], "from \(version)")
        #expect(try await store.me("alice").unread == 2, "from \(version)")
        #expect(try await store.friends(of: "alice").map(\.id) == ["bob"], "from \(version)")
        #expect(try await !store.history(user: "alice").epoch.isEmpty, "from \(version)")
        _ = try await store.comment(viewer: "bob", postId: 1, text: "after the upgrade")
        #expect(try await store.me("alice").unread == 3, "from \(version)")
        #expect(try await store.events(user: "alice", after: 2, limit: 10).map(\.id) == [3], "from \(version)")
    }

    @Test("SQLite: from each earlier version to this one")
    func sqlite() async throws {
        let versions = SQLiteSchema.migrator().migrations
        #expect(versions.count >= 8)
        for version in versions.dropLast() {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("migrate-\(UUID().uuidString)")
                .path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let old = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator().migrate(old, upTo: version)
            try await old.write { db in
                for (table, values) in Self.rows(now: StoreClock.now()) {
                    let columns = try db.columns(in: table)
                    let required = columns.filter {
                        $0.isNotNull && $0.defaultValueSQL == nil && $0.primaryKeyIndex == 0 && values[$0.name] == nil
                    }
                    #expect(required.isEmpty, "\(version): \(table) needs \(required.map(\.name))")
                    let present = columns.map(\.name).filter { values[$0] != nil }
                    let arguments = present.map { name -> (any DatabaseValueConvertible)? in
                        switch values[name] {
                        case let text as String: text
                        case let number as Int64: number
                        case let flag as Bool: flag
                        default: nil
                        }
                    }
                    try db.execute(
                        sql:
                            "INSERT INTO \(table) (\(present.joined(separator: ", "))) VALUES (\(present.map { _ in "?" }.joined(separator: ", ")))",
                        arguments: StatementArguments(arguments))
                }
            }
            try old.close()
            let store = try SQLiteStore(path: path, sink: StoreContractTests.NoSink(), logger: Self.quiet)
            try await Self.expectUpgraded(store, from: version)
            await store.close()
        }
    }

    @Test("PostgreSQL: from each earlier version to this one")
    func postgres() async throws {
        guard TestPostgres.isConfigured else {
            print("◇ PostgreSQL upgrades skipped: \(TestPostgres.skipReason)")
            return
        }
        let versions = PostgresSchema.migrations.map(\.version)
        for (index, version) in versions.dropLast().enumerated() {
            let address = try PostgresAddress(try await TestPostgres.createDatabase())
            let connection = try await PostgresConnection.connect(
                configuration: address.connectionConfiguration, id: 1, logger: Self.quiet)
            try await connection.query(
                "CREATE TABLE schema_migrations (version TEXT PRIMARY KEY)", logger: Self.quiet)
            for migration in PostgresSchema.migrations.prefix(index + 1) {
                for statement in migration.sql { try await connection.query(statement, logger: Self.quiet) }
                try await connection.query(
                    "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: Self.quiet)
            }
            for (table, values) in Self.rows(now: StoreClock.now()) {
                var columns: [(name: String, required: Bool)] = []
                for try await (name, nullable, defaulted) in try await connection.query(
                    """
                    SELECT column_name::text, is_nullable::text, column_default IS NOT NULL
                    FROM information_schema.columns WHERE table_name = \(table) ORDER BY ordinal_position
                    """, logger: Self.quiet
                ).decode((String, String, Bool).self) {
                    columns.append((name, nullable == "NO" && !defaulted))
                }
                let missing = columns.filter { $0.required && values[$0.name] == nil }.map(\.name)
                #expect(missing.isEmpty, "\(version): \(table) needs \(missing)")
                let present = columns.map(\.name).filter { values[$0] != nil }
                var bindings = PostgresBindings()
                for name in present {
                    switch values[name] {
                    case let text as String: bindings.append(text)
                    case let number as Int64: bindings.append(number)
                    case let flag as Bool: bindings.append(flag)
                    default: bindings.appendNull()
                    }
                }
                let placeholders = (1...present.count).map { "$\($0)" }.joined(separator: ", ")
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL:
                            "INSERT INTO \(table) (\(present.joined(separator: ", "))) VALUES (\(placeholders))",
                        binds: bindings), logger: Self.quiet)
            }
            // Sequences past the ids written by hand, as the application's inserts would leave them.
            for table in ["posts", "comments", "events"] {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL:
                            "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT MAX(id) FROM \(table)))"),
                    logger: Self.quiet)
            }
            try await connection.close()
            let store = try await PostgresStore.open(
                address, connectionWait: TestPostgres.connectionWait, logger: Self.quiet)
            try await Self.expectUpgraded(store, from: version)
            await store.close()
        }
    }
}
