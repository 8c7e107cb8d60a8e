import Foundation
import GRDB
import Logging
import MomentsCore
import PostgresNIO
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// A rolling upgrade stops half-way: a node of the previous release (one schema step behind)
/// restarts on a database this release upgraded, reads what this release wrote, and its writes
/// read back in this release; a database that records it needs a newer binary is refused with
/// one line and left as it was. Both stores.
@Suite("Releases side by side on one database")
struct MixedReleaseTests {
    static let quiet = MigrationTests.quiet

    /// This release's writes, then the previous release's, then this release's reading both.
    static func expectRoll(open: (_ steps: Int?) async throws -> any MomentsStore, steps: Int) async throws {
        let current = try await open(nil)
        try await current.saveUser(id: "alice", name: "Alice")
        try await current.saveUser(id: "bob", name: "Bob")
        try await current.befriend("alice", "bob")
        let post = try await current.createPost(author: "alice", text: "写于新版本")
        _ = try await current.like(viewer: "bob", postId: post.id)
        await current.close()

        let previous = try await open(steps - 1)
        #expect(try await previous.post(id: post.id, viewer: "bob").likeCount == 1)
        _ = try await previous.comment(viewer: "bob", postId: post.id, text: "from the previous release")
        #expect(try await previous.me("alice").unread == 2)
        await previous.close()

        let again = try await open(nil)
        #expect(
            try await again.post(id: post.id, viewer: "alice").comments.map(\.text) == ["from the previous release"])
        #expect(try await again.events(user: "alice", after: 0, limit: 10).map(\.type) == [.like, .comment])
        #expect(try await again.me("alice").unread == 2)
        await again.close()
    }

    static func refusal(_ known: Int) -> String {
        "this database needs a newer moments-server (one that knows schema v\(known + 1)); this one knows up to v\(known)"
    }

    @Test("the steps are the same on both stores, and each one's readers are known")
    func stepsAgree() {
        #expect(SQLiteSchema.steps.map(\.name) == PostgresSchema.migrations.map(\.version))
        #expect(SchemaCompatibility.oldestReader.count == SQLiteSchema.steps.count)
        // The newest step must not need itself if the previous release is to roll onto it.
        #expect(SchemaCompatibility.oldestReader.last! < SQLiteSchema.steps.count)
    }

    @Test("SQLite: the previous release on an upgraded database; a newer one's refused")
    func sqlite() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mixed-\(UUID().uuidString)").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let steps = SQLiteSchema.steps.count
        try await Self.expectRoll(
            open: { known in
                try SQLiteStore(path: path, sink: StoreContractTests.NoSink(), logger: Self.quiet, schemaSteps: known)
            }, steps: steps)

        // What a later release, one that changes what rows mean, would record.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: "UPDATE settings SET value = ? WHERE key = 'oldest_reader'", arguments: ["\(steps + 1)"])
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v\(steps + 1) a later release')")
        }
        try queue.close()
        #expect {
            _ = try SQLiteStore(path: path, sink: StoreContractTests.NoSink(), logger: Self.quiet)
        } throws: { error in
            "\(error)" == Self.refusal(steps)
        }
        let untouched = try DatabaseQueue(path: path)
        let (recorded, applied) = try await untouched.read { db in
            (
                try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'oldest_reader'"),
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grdb_migrations")
            )
        }
        #expect(recorded == "\(steps + 1)" && applied == steps + 1)
        try untouched.close()
    }

    @Test("SQLite: the previous release's own inserts fit the upgraded tables")
    func sqlitePreviousInserts() async throws {
        // The previous release writes rows with the columns it knows; every column the newest
        // step added must take them (a default, or nullable).
        let steps = SQLiteSchema.steps
        let previous = try DatabaseQueue()
        try SQLiteSchema.migrator(knowing: steps.count - 1).migrate(previous)
        let newest = try DatabaseQueue()
        try SQLiteSchema.migrator().migrate(newest)
        let tables = try await previous.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        }
        for table in tables {
            let known = Set(try await previous.read { db in try db.columns(in: table).map(\.name) })
            let added = try await newest.read { db in
                try db.columns(in: table).filter { !known.contains($0.name) }
            }
            for column in added {
                #expect(!column.isNotNull || column.defaultValueSQL != nil, "\(table).\(column.name) needs a value")
            }
        }
    }

    @Test("PostgreSQL: the previous release on an upgraded database; a newer one's refused")
    func postgres() async throws {
        guard TestPostgres.isConfigured else {
            print("◇ PostgreSQL mixed releases skipped: \(TestPostgres.skipReason)")
            return
        }
        let address = try PostgresAddress(try await TestPostgres.createDatabase())
        let steps = PostgresSchema.migrations.count
        try await Self.expectRoll(
            open: { known in
                try await PostgresStore.open(
                    address, connectionWait: TestPostgres.connectionWait, logger: Self.quiet, schemaSteps: known)
            }, steps: steps)

        let connection = try await PostgresConnection.connect(
            configuration: address.connectionConfiguration, id: 1, logger: Self.quiet)
        try await connection.query(
            "UPDATE settings SET value = \(String(steps + 1)) WHERE key = 'oldest_reader'", logger: Self.quiet)
        await #expect {
            _ = try await PostgresStore.open(address, connectionWait: TestPostgres.connectionWait, logger: Self.quiet)
        } throws: { error in
            "\(error)" == "cannot use \(address): \(Self.refusal(steps))"
        }
        var recorded: [String] = []
        for try await value in try await connection.query(
            "SELECT value FROM settings WHERE key = 'oldest_reader'", logger: Self.quiet
        ).decode(String.self) {
            recorded.append(value)
        }
        #expect(recorded == ["\(steps + 1)"])
        try await connection.close()
    }
}
