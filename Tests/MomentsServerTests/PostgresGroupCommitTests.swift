import Foundation
import Logging
import MomentsCore
import NIOConcurrencyHelpers
import PostgresNIO
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// Group commit on the shared store: one transaction and one NOTIFY per batch, a failed write
/// fails alone, a write whose streams changed is planned again, and two nodes batching the same
/// streams in opposite orders never deadlock.
@Suite(
    "Group commit on PostgreSQL", .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresGroupCommitTests {
    static let quiet = Logger(label: "group-commit", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A publish's plan that misses bob the first time, as when someone commented between plan
    /// and batch, and names both streams after.
    final class StalePlan: Sendable {
        private let count = NIOLockedValueBox(0)
        var rounds: Int { count.withLockedValue { $0 } }

        @Sendable func next() -> (streams: [String], plan: Void) {
            let round = count.withLockedValue { count in
                count += 1
                return count
            }
            return (round == 1 ? ["alice"] : ["alice", "bob"], ())
        }
    }

    /// A store on a fresh database with alice, bob and carol; and its URL.
    static func store() async throws -> (PostgresStore, String) {
        let url = try await TestPostgres.createDatabase()
        let store = try await PostgresStore.open(
            PostgresAddress(url), connectionWait: TestPostgres.connectionWait, logger: quiet)
        for user in ["alice", "bob", "carol"] { _ = try await store.saveUser(id: user, name: nil) }
        return (store, url)
    }

    /// A custom event for `recipient`, written in a batch of `commits`.
    /// Stored at once, or `staged` for the batch's one insert of publishes (as the store does).
    static func publish(_ commits: PostgresGroupCommit, to recipient: String, _ data: String, staged: Bool = false)
        async throws -> Int64
    {
        let drafts = NotificationRules.publish(to: [recipient], data: data)
        guard staged else {
            return try await commits.write(plan: { ([recipient], ()) }) { write, _ in try await write.insert(drafts)[0]
            }
        }
        return try await commits.write(plan: { ([recipient], ()) }) { write, _ in try write.stagePublished(drafts) }
            .ids[0]
    }

    /// Holds a batch open until `release`, so what is sent meanwhile waits for the next one.
    final class BusyBatch: Sendable {
        private let gate: AsyncStream<Void>.Continuation
        private let task: Task<Void, any Error>

        init(_ commits: PostgresGroupCommit) async throws {
            let (opened, gate) = AsyncStream.makeStream(of: Void.self)
            let (running, started) = AsyncStream.makeStream(of: Void.self)
            self.gate = gate
            task = Task {
                try await commits.write(plan: { ([], ()) }) { _, _ in
                    started.yield()
                    for await _ in opened { break }
                }
            }
            for await _ in running { break }
        }

        func release() async throws {
            gate.yield()
            try await task.value
        }
    }

    /// Every payload NOTIFYed on the store's channel, from a connection of its own.
    final class Listener: Sendable {
        final class Payloads: Sendable {
            let all = NIOLockedValueBox<[String]>([])
        }

        let payloads = Payloads()
        private let task: Task<Void, any Error>

        init(_ url: String) async throws {
            let address = try PostgresAddress(url)
            let connection = try await PostgresConnection.connect(
                configuration: try address.connectionConfiguration, id: 9, logger: quiet)
            let (listening, ready) = AsyncStream.makeStream(of: Void.self)
            let payloads = payloads
            task = Task {
                defer { Task { try? await connection.close() } }
                try await connection.listen(on: PostgresStore.channel) { notifications in
                    ready.yield()
                    for try await notification in notifications {
                        payloads.all.withLockedValue { $0.append(notification.payload) }
                    }
                }
            }
            for await _ in listening { break }
        }

        func stop() { task.cancel() }
    }

    @Test("writes waiting for a busy node commit in one transaction, announced by one NOTIFY, in id order")
    func oneBatchOneNotify() async throws {
        let (store, url) = try await Self.store()
        let commits = PostgresGroupCommit(
            pool: store.pool, channel: PostgresStore.channel, logger: Self.quiet, inFlight: 1)
        let listener = try await Listener(url)
        let busy = try await BusyBatch(commits)
        async let first = Self.publish(commits, to: "alice", "1")
        async let second = Self.publish(commits, to: "bob", "2")
        async let third = Self.publish(commits, to: "alice", "3")
        try await eventually("three writes waiting") { commits.waiting == 3 }
        let before = commits.committed
        try await busy.release()
        let ids = try await [first, second, third]
        #expect(commits.committed.batches == before.batches + 2)  // the busy write's, then the three
        #expect(commits.committed.writes == before.writes + 4)

        let lines = try await eventually("the batch's NOTIFY") {
            listener.payloads.all.withLockedValue { $0.isEmpty ? nil : $0 }
        }
        #expect(lines.count == 1)
        let announced = lines[0].split(separator: "\n").map(String.init)
        let recipients = Dictionary(uniqueKeysWithValues: zip(ids, ["alice", "bob", "alice"]))
        #expect(announced == ["-2:"] + ids.sorted().map { "\($0):\(recipients[$0]!)" })
        // The three joined the batch in whatever order they reached it.
        #expect(Set(try await store.events(user: "alice", after: 0, limit: 10).compactMap(\.data)) == ["1", "3"])
        listener.stop()
        await store.close()
    }

    @Test(
        "a write that fails in a batch (with a staged publish) fails alone, with its own error; the others commit once each"
    )
    func failureInBatch() async throws {
        let (store, _) = try await Self.store()
        let commits = PostgresGroupCommit(
            pool: store.pool, channel: PostgresStore.channel, logger: Self.quiet, inFlight: 1)
        let busy = try await BusyBatch(commits)
        async let before = Self.publish(commits, to: "alice", "before", staged: true)
        try await eventually("one write waiting") { commits.waiting == 1 }
        // Stores an event, then fails in the database: the batch's transaction is aborted.
        async let broken: Result<Void, any Error> = outcome {
            try await commits.write(plan: { (["bob"], ()) }) { write, _ in
                _ = try await write.insert(NotificationRules.publish(to: ["bob"], data: "lost"))
                try await write.connection.query("SELECT 1 / 0", logger: Self.quiet)
            }
        }
        try await eventually("two writes waiting") { commits.waiting == 2 }
        async let after = Self.publish(commits, to: "carol", "after")
        try await eventually("three writes waiting") { commits.waiting == 3 }
        try await busy.release()

        let (beforeID, _) = try await (before, after)
        let failed = await broken
        #expect(throws: PSQLError.self) { try failed.get() }
        let stored = try await ["alice", "bob", "carol"].asyncMap {
            try await store.events(user: $0, after: 0, limit: 10).compactMap(\.data)
        }
        #expect(stored == [["before"], [], ["after"]])
        #expect(try await store.events(user: "alice", after: 0, limit: 10).map(\.id) == [beforeID])
        // The node goes on batching.
        _ = try await Self.publish(commits, to: "bob", "later")
        #expect(try await store.events(user: "bob", after: 0, limit: 10).compactMap(\.data) == ["later"])
        await store.close()
    }

    @Test("a write that must tell a stream its plan did not lock writes nothing and is planned again")
    func streamsChanged() async throws {
        let (store, _) = try await Self.store()
        let plans = StalePlan()
        try await store.commits.write(plan: plans.next) { write, _ in
            _ = try await write.insert(NotificationRules.publish(to: ["alice", "bob"], data: "both"))
        }
        #expect(plans.rounds == 2)
        for user in ["alice", "bob"] {
            #expect(try await store.events(user: user, after: 0, limit: 10).compactMap(\.data) == ["both"])
        }
        await store.close()
    }

    @Test("a write that gave way to a fresh plan is not run again when its batch fails: it commits once")
    func yieldedThenBatchFails() async throws {
        let (store, _) = try await Self.store()
        let commits = PostgresGroupCommit(
            pool: store.pool, channel: PostgresStore.channel, logger: Self.quiet, inFlight: 1)
        let busy = try await BusyBatch(commits)
        let plans = StalePlan()
        async let moved: Void = commits.write(plan: plans.next) { write, _ in
            _ = try await write.insert(NotificationRules.publish(to: ["alice", "bob"], data: "once"))
        }
        try await eventually("the first write waiting") { commits.waiting == 1 }
        async let broken: Result<Void, any Error> = outcome {
            try await commits.write(plan: { (["carol"], ()) }) { write, _ in
                _ = try await write.connection.query("SELECT 1 / 0", logger: Self.quiet)
            }
        }
        try await eventually("both writes waiting") { commits.waiting == 2 }
        try await busy.release()
        try await moved
        let failed = await broken
        #expect(throws: PSQLError.self) { try failed.get() }
        #expect(try await store.events(user: "bob", after: 0, limit: 10).compactMap(\.data) == ["once"])
        await store.close()
    }

    @Test(
        "two nodes batching the same streams in opposite orders never deadlock, and a follower of each stream on the other node sees every event once, in id order"
    )
    func twoNodesNoDeadlock() async throws {
        let (first, url) = try await Self.store()
        let second = try await PostgresStore.open(
            PostgresAddress(url), connectionWait: TestPostgres.connectionWait, logger: Self.quiet)
        let post = try await first.createPost(author: "alice", text: "busy")
        try await first.befriend("alice", "bob")
        try await first.befriend("alice", "carol")
        let rounds = 40
        // Each user's stream followed by cursor, on the other node, while both write: an id
        // committed after a later one was read would be skipped.
        let writing = NIOLockedValueBox(true)
        let followers = ["alice", "bob", "carol"].map { user in
            Task { () -> [Int64] in
                var seen: [Int64] = []
                while true {
                    let stillWriting = writing.withLockedValue { $0 }
                    let events = try await second.events(user: user, after: seen.last ?? 0, limit: 100)
                    seen += events.map(\.id)
                    // After the last write, one empty read means the follower has caught up.
                    if events.isEmpty { if stillWriting { await Task.yield() } else { return seen } }
                }
            }
        }
        // A deadlock would fail a batch (40P01); a lock cycle without PostgreSQL noticing would hang.
        try await within(.seconds(120).stretched) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (node, order, commenter) in [
                    (first, ["alice", "bob", "carol"], "bob"), (second, ["carol", "bob", "alice"], "carol"),
                ] {
                    for writer in 0..<3 {
                        group.addTask {
                            for round in 0..<rounds { _ = try await node.publish(to: order, data: "\(writer)\(round)") }
                        }
                    }
                    group.addTask {
                        for round in 0..<rounds {
                            _ = try await node.comment(viewer: commenter, postId: post.id, text: "\(round)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        writing.withLockedValue { $0 = false }
        for (user, follower) in zip(["alice", "bob", "carol"], followers) {
            let stored = try await first.events(user: user, after: 0, limit: 10_000)
            #expect(stored.compactMap(\.data).count == 2 * 3 * rounds, "\(user)")
            let seen = try await within { try await follower.value }
            #expect(seen == stored.map(\.id), "\(user)'s follower missed, repeated or reordered events")
        }
        #expect(try await first.events(user: "alice", after: 0, limit: 10_000).count == 2 * 3 * rounds + 2 * rounds)
        await second.close()
        await first.close()
    }
}

private func outcome<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
