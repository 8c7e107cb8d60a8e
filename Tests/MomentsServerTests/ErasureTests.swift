import Foundation
import Logging
import MomentsCore
import PostgresNIO
import Testing

@testable import MomentsStore
@testable import MomentsTestSupport

/// Deleted means gone: after a delete, the words of the post and the comment are in no byte
/// the store keeps — the SQLite file and its write-ahead log, every PostgreSQL table.
@Suite("Erasure: deleted words are nowhere in the store")
struct ErasureTests {
    static let postWords = "ERASE-ME-POST-7f3a"
    static let commentWords = "ERASE-ME-COMMENT-91bc"
    static let replyWords = "ERASE-ME-REPLY-c2d4"

    /// A post with a like, a comment (kept under a key) and a reply; `written` runs, then the
    /// comment is deleted, then the post.
    static func writeAndDelete(_ store: any MomentsStore, written: () async throws -> Void = {}) async throws {
        for (id, name) in [("alice", "Alice"), ("bob", "Bob")] { try await store.saveUser(id: id, name: name) }
        try await store.befriend("alice", "bob")
        let post = try await store.createPost(
            author: "alice", text: postWords, audience: .friends, mentions: [],
            idempotent: DeleteReplyContractTests.idempotent(IdempotencyKey(scope: "user:alice", key: "p"), Post.self) {
                $0.text
            })
        _ = try await store.like(viewer: "bob", postId: post.id)
        let comment = try await store.comment(
            viewer: "bob", postId: post.id, text: commentWords, replyTo: nil,
            idempotent: DeleteReplyContractTests.idempotent(IdempotencyKey(scope: "user:bob", key: "c"), Comment.self) {
                $0.text
            })
        _ = try await store.comment(viewer: "alice", postId: post.id, text: replyWords, replyTo: comment.id)
        try await written()
        try await store.deleteComment(by: "bob", postId: post.id, commentId: comment.id)
        #expect(!(try await store.post(id: post.id, viewer: "alice").comments.map(\.text).contains(commentWords)))
        try await store.deletePost(by: "alice", postId: post.id)
    }

    @Test("SQLite: not in the database file nor its WAL once checkpointed (secure_delete)")
    func sqliteFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("erasure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("moments.sqlite").path
        let store = try SQLiteStore(path: path, sink: StoreContractTests.NoSink())
        let words = [Self.postWords, Self.commentWords, Self.replyWords]
        try await Self.writeAndDelete(store) {
            // Checkpointed into the file itself before the delete (and the search finds them).
            let file = URL(fileURLWithPath: path)
            for _ in 0..<300 where !words.allSatisfy({ Self.contains(file, $0) }) {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(words.allSatisfy { Self.contains(file, $0) })
        }
        // The checkpointer truncates the log after a delete; give it time on a loaded machine.
        var found: [String] = []
        for _ in 0..<300 {
            found = Self.files(in: directory).flatMap { file in
                words.filter { Self.contains(file, $0) }.map { "\($0) in \(file.lastPathComponent)" }
            }
            if found.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(found.isEmpty, "\(found)")
        await store.close()
        // And once closed (the last connection checkpoints into the file).
        let afterClose = Self.files(in: directory).flatMap { file in words.filter { Self.contains(file, $0) } }
        #expect(afterClose.isEmpty, "\(afterClose)")
    }

    @Test("PostgreSQL: in no row of any table")
    func postgresTables() async throws {
        guard TestPostgres.isConfigured else {
            print("◇ PostgreSQL erasure skipped: \(TestPostgres.skipReason)")
            return
        }
        let store = try await StoreContractTests.Backend.postgres.makeEmptyStore()
        try await Self.writeAndDelete(store)
        let postgres = try #require(store as? PostgresStore)
        let found = try await postgres.pool.withConnection { connection in
            var tables: [String] = []
            for try await table in try await connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
                logger: Logger(label: "erasure")
            ).decode(String.self) {
                tables.append(table)
            }
            #expect(tables.contains("events") && tables.contains("idempotency_keys") && tables.contains("comments"))
            var found: [String] = []
            for table in tables {
                for words in [Self.postWords, Self.commentWords, Self.replyWords] {
                    // A row as text; a bytea column shows as hex there.
                    let hex = words.utf8.map { String(format: "%02x", $0) }.joined()
                    let query = PostgresQuery(
                        unsafeSQL: """
                            SELECT count(*) FROM "\(table)" t
                            WHERE strpos(t::text, '\(words)') > 0 OR strpos(t::text, '\(hex)') > 0
                            """)
                    for try await count in try await connection.query(query, logger: Logger(label: "erasure")).decode(
                        Int64.self)
                    where count > 0 {
                        found.append("\(words) in \(table)")
                    }
                }
            }
            return found
        }
        #expect(found.isEmpty, "\(found)")
        await store.close()
    }

    static func files(in directory: URL) -> [URL] {
        (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
    }

    static func contains(_ file: URL, _ words: String) -> Bool {
        guard let bytes = try? Data(contentsOf: file) else { return false }
        return bytes.range(of: Data(words.utf8)) != nil
    }
}
