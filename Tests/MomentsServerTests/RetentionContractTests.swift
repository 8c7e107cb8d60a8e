import Foundation
import Logging
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// Bounded history on both stores: what pruning removes, what it leaves, what it records.
@Suite("Retention: pruning and the history a cursor belongs to")
struct RetentionContractTests {
    typealias Backend = StoreContractTests.Backend

    /// `Backend.makeStore`'s users and friendships, made two hours ago (with their events), so
    /// that nothing newer stands in front of what a test makes old.
    static func makeStore(_ backend: Backend) async throws -> any MomentsStore {
        let store = try await backend.makeEmptyStore()
        try await StoreClock.asIf(secondsAgo: 7200) {
            for (id, name) in [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol"), ("dave", "Dave")] {
                try await store.saveUser(id: id, name: name)
            }
            try await store.befriend("alice", "bob")
            try await store.befriend("alice", "carol")
        }
        return store
    }

    /// An hour ago: the likes of bob and carol on a post of alice's, and two custom events
    /// for alice; now, a comment of bob's and two custom events. Answers the ids of each.
    static func history(_ store: any MomentsStore) async throws -> (old: [Int64], new: [Int64], post: Int64) {
        let (old, post) = try await StoreClock.asIf(secondsAgo: 3600) { () -> ([Int64], Int64) in
            let post = try await store.createPost(author: "alice", text: "一小时前")
            _ = try await store.like(viewer: "bob", postId: post.id)
            _ = try await store.like(viewer: "carol", postId: post.id)
            let custom = try await store.publish(to: ["alice"], data: #"{"n":1}"#)
            let more = try await store.publish(to: ["alice"], data: #"{"n":2}"#)
            return (custom + more, post.id)
        }
        _ = try await store.comment(viewer: "bob", postId: post, text: "still here")
        let new =
            try await store.publish(to: ["alice"], data: #"{"n":3}"#)
            + (try await store.publish(to: ["alice"], data: #"{"n":4}"#))
        return (old, new, post)
    }

    static func ids(_ store: any MomentsStore, _ user: String) async throws -> [Int64] {
        try await store.events(user: user, after: 0, limit: 1000).map(\.id)
    }

    @Test(
        "only events older than the cutoff go, oldest first, a batch at a time; unread counts stay true",
        arguments: Backend.available)
    func prunesOnlyExpired(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        defer { Task { await store.close() } }
        let (old, new, _) = try await Self.history(store)
        let before = try await Self.ids(store, "alice")
        let oldestKept = try #require(before.first { $0 > old.max()! })
        let cutoff = Date().addingTimeInterval(-60)

        #expect(try await store.pruneEvents(olderThan: cutoff, limit: 2) == 2)
        var total = 2
        while true {
            let deleted = try await store.pruneEvents(olderThan: cutoff, limit: 2)
            if deleted == 0 { break }
            total += deleted
        }
        let history = try await store.history(user: "alice")
        #expect(history.prunedThrough == oldestKept - 1)
        #expect(history.userPrunedThrough == old.max())
        // Dave had nothing pruned: however far the store has, his cursor has no gap.
        #expect(try await store.history(user: "dave").userPrunedThrough == 0)
        #expect(try await store.pruneEvents(olderThan: cutoff, limit: 100) == 0)

        let after = try await Self.ids(store, "alice")
        #expect(after == before.filter { $0 >= oldestKept })
        #expect(new.allSatisfy(after.contains))
        #expect(old.allSatisfy { !after.contains($0) })
        // Alice's unread: the comment and the two new custom events, nothing expired.
        let unread = try await store.events(user: "alice", after: 0, limit: 1000).filter { !$0.read }.count
        #expect(try await store.me("alice").unread == unread)
        #expect(unread == 3)
        #expect(total >= 5)
    }

    @Test(
        "pruning stops at the first event that is not old enough, even if older ones come after it",
        arguments: Backend.available)
    func stopsAtTheFirstKept(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        defer { Task { await store.close() } }
        let first = try await StoreClock.asIf(secondsAgo: 3600) { try await store.publish(to: ["alice"], data: "1") }
        let middle = try await store.publish(to: ["alice"], data: "2")
        let last = try await StoreClock.asIf(secondsAgo: 3600) { try await store.publish(to: ["alice"], data: "3") }
        #expect(try await store.pruneEvents(olderThan: Date().addingTimeInterval(-60), limit: 100) >= 1)
        #expect(try await Self.ids(store, "alice") == middle + last)
        #expect(try await store.history(user: "alice").prunedThrough == first[0])
    }

    @Test(
        "an epoch made with the store, the same on every read; another store has another", arguments: Backend.available)
    func epoch(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        let other = try await Self.makeStore(backend)
        defer {
            Task {
                await store.close()
                await other.close()
            }
        }
        let history = try await store.history(user: "alice")
        #expect(history.epoch.count >= 16)
        #expect(try await store.history(user: "alice").epoch == history.epoch)
        #expect(try await other.history(user: "alice").epoch != history.epoch)
        #expect(history.prunedThrough == 0)
        let ids = try await store.publish(to: ["alice", "bob"], data: "{}")
        #expect(try await store.history(user: "alice").newest == ids.max())
    }

    @Test(
        "the retention service prunes the expired backlog in batches while writes go on; none is lost",
        arguments: Backend.available)
    func writesGoOnWhilePruning(_ backend: Backend) async throws {
        let store = try await Self.makeStore(backend)
        defer { Task { await store.close() } }
        let expired = 1200  // more than two batches
        try await StoreClock.asIf(secondsAgo: 7200) {
            for _ in 0..<expired { _ = try await store.publish(to: ["bob"], data: "{}") }
        }
        let retention = EventRetention(
            store: store, retention: .seconds(3600), metrics: ServerMetrics(),
            logger: .init(label: "retention", factory: { _ in SwiftLogNoOpLogHandler() }))
        let written = NIOLockedValueBox<[Int64]>([])
        async let pruned = retention.pruneExpired()
        for n in 0..<50 {
            let ids = try await store.publish(to: ["bob"], data: #"{"live":\#(n)}"#)
            written.withLockedValue { $0 += ids }
        }
        #expect(try await pruned >= expired)
        let kept = try await store.events(user: "bob", after: 0, limit: 1000)
        let all = written.withLockedValue { $0 }
        #expect(kept.map(\.id) == all)
        #expect(try await store.me("bob").unread == kept.filter { !$0.read }.count)
    }

    @Test("a batch that held the writer too long halves the next, down to 10; a quick one doubles it, up to 500")
    func batchSizes() {
        #expect(EventRetention.nextBatch(after: 500, took: .milliseconds(30)) == 250)
        #expect(EventRetention.nextBatch(after: 12, took: .milliseconds(30)) == 10)
        #expect(EventRetention.nextBatch(after: 40, took: .microseconds(500)) == 80)
        #expect(EventRetention.nextBatch(after: 400, took: .microseconds(500)) == 500)
        #expect(EventRetention.nextBatch(after: 40, took: .microseconds(1500)) == 40)
    }
}
