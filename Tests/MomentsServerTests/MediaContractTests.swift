import Foundation
import GRDB
import MomentsCore
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// Pictures in the store, the same on SQLite (in a file and in memory) and PostgreSQL: their
/// rows, attaching, who may have the bytes, the counted bytes and the sweep.
@Suite("Store contract: pictures")
struct MediaContractTests {
    typealias Backend = StoreContractTests.Backend

    /// A picture of `owner`'s whose bytes are `thumb` and `large` (same text, same digest).
    static func media(_ id: String, of owner: String, thumb: String = "t", large: String = "l") -> NewMedia {
        func file(_ text: String) -> MediaFile {
            MediaFile(
                digest: String(repeating: text, count: 64).prefix(64).description, bytes: Array("bytes of \(text)".utf8)
            )
        }
        return NewMedia(id: id, owner: owner, width: 400, height: 300, thumb: file(thumb), large: file(large))
    }

    static func bytes(_ content: MediaContent?) throws -> [UInt8]? {
        guard let content else { return nil }
        switch content.source {
        case .bytes(let bytes): return bytes
        case .file(let path): return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test(
        "an upload is its owner's alone until a post takes it; then whoever may see the post's",
        arguments: Backend.available)
    func visibility(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let uploaded = try await store.saveMedia(Self.media("m1", of: "alice"))
        #expect(uploaded == MediaUploaded(id: "m1", width: 400, height: 300))
        #expect(
            try Self.bytes(try await store.mediaContent(id: "m1", size: .thumb, viewer: "alice"))
                == Array("bytes of t".utf8))
        #expect(
            try Self.bytes(try await store.mediaContent(id: "m1", size: .large, viewer: "alice"))
                == Array("bytes of l".utf8))
        #expect(try await store.mediaContent(id: "m1", size: .thumb, viewer: "bob") == nil)
        let post = try await store.createPost(
            author: "alice", text: "", audience: .only(["bob"]), mentions: [],
            media: [MediaAttachment(id: "m1", alt: "alt")],
            idempotent: nil)
        #expect(post.media == [PostMedia(id: "m1", alt: "alt", width: 400, height: 300)])
        #expect(try await store.mediaContent(id: "m1", size: .large, viewer: "bob") != nil)
        #expect(try await store.mediaContent(id: "m1", size: .large, viewer: "carol") == nil)  // outside the audience
        #expect(try await store.mediaContent(id: "m1", size: .large, viewer: "dave") == nil)  // no friend
        #expect(try await store.post(id: post.id, viewer: "bob").media.map(\.id) == ["m1"])
        #expect(try await store.feed(viewer: "bob", before: nil, limit: 5).posts[0].media.map(\.alt) == ["alt"])
        try await store.unfriend("alice", "bob")
        #expect(try await store.mediaContent(id: "m1", size: .large, viewer: "bob") == nil)
        #expect(try await store.mediaContent(id: "m1", size: .large, viewer: "alice") != nil)
        #expect(try await store.mediaContent(id: "nope", size: .large, viewer: "alice") == nil)
        await store.close()
    }

    @Test("attaching: in order, nine at most, only the author's, only once", arguments: Backend.available)
    func attaching(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        for n in 0..<10 { _ = try await store.saveMedia(Self.media("a\(n)", of: "alice")) }
        _ = try await store.saveMedia(Self.media("b0", of: "bob"))
        func create(_ ids: [String]) async throws -> Post {
            try await store.createPost(
                author: "alice", text: "x", audience: .friends, mentions: [],
                media: ids.map { MediaAttachment(id: $0, alt: "alt \($0)") }, idempotent: nil)
        }
        let refused = StoreError.self
        await #expect(throws: refused) { _ = try await create((0..<10).map { "a\($0)" }) }
        await #expect(throws: refused) { _ = try await create(["a0", "b0"]) }
        await #expect(throws: refused) { _ = try await create(["a0", "a0"]) }
        await #expect(throws: refused) { _ = try await create(["missing"]) }
        let order = ["a3", "a1", "a2"]
        let post = try await create(order)
        #expect(post.media.map(\.id) == order && post.media.map(\.alt) == order.map { "alt \($0)" })
        await #expect(throws: refused) { _ = try await create(["a1"]) }
        // A refused post attached nothing: a0 is still free.
        #expect(try await create(["a0"]).media.map(\.id) == ["a0"])
        await store.close()
    }

    @Test(
        "bytes are shared by digest and counted; a delete releases them, the last takes them",
        arguments: Backend.available)
    func counted(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        // Two uploads, same bytes; a third whose thumb and large are the same bytes.
        _ = try await store.saveMedia(Self.media("x", of: "alice"))
        _ = try await store.saveMedia(Self.media("y", of: "alice"))
        _ = try await store.saveMedia(Self.media("z", of: "alice", thumb: "s", large: "s"))
        let first = try await store.createPost(
            author: "alice", text: "1", audience: .friends, mentions: [], media: [.init(id: "x"), .init(id: "z")],
            idempotent: nil)
        let second = try await store.createPost(
            author: "alice", text: "2", audience: .friends, mentions: [], media: [.init(id: "y")], idempotent: nil)
        try await store.deletePost(by: "alice", postId: first.id)
        #expect(try await store.mediaContent(id: "x", size: .thumb, viewer: "alice") == nil)
        #expect(try await store.mediaContent(id: "z", size: .thumb, viewer: "alice") == nil)
        let kept = try await store.mediaContent(id: "y", size: .thumb, viewer: "alice")
        #expect(try Self.bytes(kept) == Array("bytes of t".utf8))
        #expect(
            try await Self.files(store) == [String(repeating: "l", count: 64): 1, String(repeating: "t", count: 64): 1])
        try await store.deletePost(by: "alice", postId: second.id)
        #expect(try await Self.files(store).isEmpty)
        if case .file(let path) = kept?.source { #expect(!FileManager.default.fileExists(atPath: path)) }
        await store.close()
    }

    @Test("SQLite: bytes dropped and the same bytes uploaded again in one batch: the file stays, for the upload")
    func collectThenSameUploadInOneBatch() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("collect-\(UUID().uuidString).sqlite")
        let store = try SQLiteStore(path: path.path, sink: StoreContractTests.NoSink())
        try await store.saveUser(id: "alice", name: "Alice")
        _ = try await store.saveMedia(Self.media("old", of: "alice", thumb: "s", large: "s"))
        // Released (as a delete does), not yet collected.
        try await store.commits.write { db, _ in _ = try SQLiteStore.releaseMedia(where: "id = ?", ["old"], db) }
        // The writer held, so the collect and the upload queue behind it and commit together,
        // the collect first.
        let held = Task { try await store.commits.write { _, _ in Thread.sleep(forTimeInterval: 0.3) } }
        try await Task.sleep(for: .milliseconds(50))
        async let collected: Void = store.collectMediaFiles()
        try await Task.sleep(for: .milliseconds(20))
        async let saved = store.saveMedia(Self.media("new", of: "alice", thumb: "s", large: "s"))
        _ = try await (collected, saved, held.value)
        #expect(try await store.commits.committed.batches >= 3)
        let bytes = try Self.bytes(try await store.mediaContent(id: "new", size: .large, viewer: "alice"))
        #expect(bytes == Array("bytes of s".utf8))
        await store.close()
    }

    @Test("SQLite: files a crash left staged are removed when the store opens; placed ones stay")
    func stagedLeftovers() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("staged-\(UUID().uuidString).sqlite")
        var store: SQLiteStore? = try SQLiteStore(path: path.path, sink: StoreContractTests.NoSink())
        try await store!.saveUser(id: "alice", name: "Alice")
        _ = try await store!.saveMedia(Self.media("kept", of: "alice"))
        let staged = try #require(store!.mediaFolder).stage(Array("half written".utf8))
        await store!.close()
        store = nil
        #expect(FileManager.default.fileExists(atPath: staged))
        let again = try SQLiteStore(path: path.path, sink: StoreContractTests.NoSink())
        #expect(!FileManager.default.fileExists(atPath: staged))
        #expect(try Self.bytes(try await again.mediaContent(id: "kept", size: .large, viewer: "alice")) != nil)
        await again.close()
    }

    @Test("the sweep takes old uploads no post took, and pictures whose post is gone", arguments: Backend.available)
    func sweep(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        _ = try await store.saveMedia(Self.media("old", of: "alice"))
        _ = try await store.saveMedia(Self.media("kept", of: "alice", thumb: "k", large: "k"))
        let post = try await store.createPost(
            author: "alice", text: "p", audience: .friends, mentions: [], media: [.init(id: "kept")], idempotent: nil)
        // Nothing is old enough yet.
        #expect(try await store.sweepMedia(unattachedBefore: Date().addingTimeInterval(-60)) == 0)
        #expect(try await store.mediaContent(id: "old", size: .thumb, viewer: "alice") != nil)
        // An hour on, the unattached one goes; the attached one stays.
        #expect(try await store.sweepMedia(unattachedBefore: Date().addingTimeInterval(3600)) == 1)
        #expect(try await store.mediaContent(id: "old", size: .thumb, viewer: "alice") == nil)
        #expect(try await store.post(id: post.id, viewer: "bob").media.map(\.id) == ["kept"])
        #expect(try await Self.files(store) == [String(repeating: "k", count: 64): 2])
        #expect(try await store.uploads(by: "alice", since: Date().addingTimeInterval(-60)) == 1)
        await store.close()
    }

    /// The counted bytes, by digest (what each store keeps in `media_files`).
    static func files(_ store: any MomentsStore) async throws -> [String: Int] {
        switch store {
        case let sqlite as SQLiteStore:
            return try await sqlite.pool.read { db in
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT digest, refs FROM media_files") { counts[row[0]] = row[1] }
                return counts
            }
        case let postgres as PostgresStore:
            return try await postgres.pool.withConnection { connection in
                var counts: [String: Int] = [:]
                for try await (digest, refs) in try await connection.query(
                    "SELECT digest, refs FROM media_files", logger: postgres.logger
                ).decode((String, Int32).self) {
                    counts[digest] = Int(refs)
                }
                return counts
            }
        default:
            throw TestFailure("unknown store")
        }
    }
}
