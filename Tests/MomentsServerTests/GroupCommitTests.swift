import Foundation
import GRDB
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// What group commit must not break: acknowledged = committed, a failed write fails alone, and
/// pushes leave only after their commit, in id order.
@Suite("Group commit")
struct GroupCommitTests {
    final class RecordingSink: EventSink {
        let batches = NIOLockedValueBox<[[StoredEvent]]>([])
        func publish(_ events: [StoredEvent]) { batches.withLockedValue { $0.append(events) } }
        var all: [StoredEvent] { batches.withLockedValue { $0.flatMap { $0 } } }
    }

    /// alice, bob and carol (friends of alice), dave (nobody's friend), and a post of alice's.
    static func store() async throws -> (store: SQLiteStore, sink: RecordingSink, post: Int64) {
        let sink = RecordingSink()
        let store = try SQLiteStore(writer: try DatabaseQueue(), sink: sink)
        for user in ["alice", "bob", "carol", "dave"] { _ = try await store.saveUser(id: user, name: nil) }
        try await store.befriend("alice", "bob")
        try await store.befriend("alice", "carol")
        let post = try await store.createPost(author: "alice", text: "batch me").id
        // The post's own events (to bob's and carol's feeds) are not what the tests watch.
        sink.batches.withLockedValue { $0 = [] }
        return (store, sink, post)
    }

    /// Holds the writer inside a write until `release`, so what is sent meanwhile waits.
    final class BusyWriter: Sendable {
        private let gate = DispatchSemaphore(value: 0)
        private let task: Task<Void, any Error>

        init(_ commits: GroupCommit) async throws {
            let gate = gate
            let (running, started) = AsyncStream.makeStream(of: Void.self)
            task = Task {
                try await commits.write { _, _ in
                    started.yield()
                    gate.wait()
                }
            }
            for await _ in running { break }
        }

        func release() async throws {
            gate.signal()
            try await task.value
        }
    }

    @Test("writes waiting for a busy writer commit as one batch; the one that fails fails alone, with its error")
    func oneBatchOneFailure() async throws {
        let (store, sink, post) = try await Self.store()
        let busy = try await BusyWriter(store.commits)
        async let bob = store.like(viewer: "bob", postId: post)
        async let dave = outcome { try await store.like(viewer: "dave", postId: post) }  // not alice's friend
        async let carol = store.comment(viewer: "carol", postId: post, text: "together")
        async let published = store.publish(to: ["alice", "carol"], data: #"{"n":1}"#)
        try await eventually("four writes waiting") { store.commits.waiting == 4 }
        let before = store.commits.committed
        #expect(sink.all.isEmpty)

        try await busy.release()
        let (liked, failed, comment, ids) = try await (bob, dave, carol, published)
        #expect(store.commits.committed.batches == before.batches + 2)  // the busy write's, then the four
        #expect(store.commits.committed.writes == before.writes + 5)
        #expect(liked.likers.map(\.id) == ["bob"])
        #expect(throws: StoreError.notFound("no post \(post)")) { try failed.get() }
        #expect(comment.text == "together")
        #expect(ids.count == 2)

        // The batch's events, in one hand-off after its commit, in id order; none from dave.
        let pushed = sink.batches.withLockedValue { $0 }
        #expect(pushed.count == 1)
        let deliveries = pushed.first ?? []
        #expect(deliveries.map(\.id) == deliveries.map(\.id).sorted())
        // The writes entered the batch in whatever order they reached it.
        #expect(deliveries.map(\.recipient).sorted() == ["alice", "alice", "alice", "carol"])
        #expect(deliveries.map(\.kind.name).sorted() == ["comment", "custom", "custom", "like"])
        let stored = try await store.events(user: "alice", after: 0, limit: 10)
        #expect(stored.map(\.id) == deliveries.filter { $0.recipient == "alice" }.map(\.id))
        #expect(stored.allSatisfy { $0.actor?.id != "dave" })
        await store.close()
    }

    @Test("big writes are batched apart: each broadcast is committed and pushed before the next is written")
    func bigWritesApart() async throws {
        let (store, sink, post) = try await Self.store()
        let busy = try await BusyWriter(store.commits)
        async let first = store.publish(to: nil, data: "1")
        try await eventually("the first broadcast waiting") { store.commits.waiting == 1 }
        async let second = store.publish(to: nil, data: "2")
        try await eventually("the second broadcast waiting") { store.commits.waiting == 2 }
        async let like = store.like(viewer: "bob", postId: post)
        try await eventually("three writes waiting") { store.commits.waiting == 3 }
        let before = store.commits.committed
        try await busy.release()
        _ = try await (first, second, like)
        #expect(store.commits.committed.batches == before.batches + 4)  // the busy one, then one each
        let pushed = sink.batches.withLockedValue { $0 }
        #expect(pushed.map(\.count) == [4, 4, 1])
        #expect(pushed.map { Set($0.compactMap(\.data)) } == [["1"], ["2"], []])
        await store.close()
    }

    @Test("a batch whose commit fails answers every write in it with the error, stores nothing and pushes nothing")
    func failedCommit() async throws {
        let (store, sink, post) = try await Self.store()
        let busy = try await BusyWriter(store.commits)
        async let like = outcome { try await store.like(viewer: "bob", postId: post) }
        // A foreign key checked only at COMMIT: its savepoint succeeds, the commit does not.
        async let broken = outcome {
            try await store.commits.write { db, _ in
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                try db.execute(sql: "INSERT INTO likes (post_id, user_id, created_at) VALUES (999999, 'bob', 0)")
            }
        }
        try await eventually("two writes waiting") { store.commits.waiting == 2 }
        try await busy.release()
        let (liked, failed) = await (like, broken)
        for result in [liked.map { _ in () }, failed] {
            #expect(throws: DatabaseError.self) { try result.get() }
        }
        #expect(sink.all.isEmpty)
        #expect(try await store.events(user: "alice", after: 0, limit: 10).isEmpty)
        // The writer goes on: the same like, alone, commits.
        #expect(try await store.like(viewer: "bob", postId: post).likeCount == 1)
        #expect(sink.all.map(\.recipient) == ["alice"])
        await store.close()
    }

    @Test("concurrent writers: every event is pushed once, in id order, and matches what is stored")
    func concurrentOrder() async throws {
        let (store, sink, post) = try await Self.store()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in ["bob", "carol"] {
                group.addTask {
                    for round in 0..<50 { _ = try await store.comment(viewer: writer, postId: post, text: "\(round)") }
                }
            }
            group.addTask {
                for round in 0..<50 { _ = try await store.publish(to: ["alice"], data: "\(round)") }
            }
            try await group.waitForAll()
        }
        let pushed = sink.all.filter { $0.recipient == "alice" }.map(\.id)
        #expect(pushed == pushed.sorted() && Set(pushed).count == pushed.count)
        let stored = try await store.events(user: "alice", after: 0, limit: 1000).map(\.id)
        #expect(pushed == stored)
        #expect(stored.count == 150)
        await store.close()
    }
}

private func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
