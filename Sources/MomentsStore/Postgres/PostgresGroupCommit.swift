import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// Group commit for the shared store: the writes waiting on this node run in one transaction
/// with one NOTIFY for all their events and one COMMIT (one WAL flush, one turn on PostgreSQL's
/// lock that orders notifying commits). Requests are answered after that commit: acknowledged
/// still means committed.
///
/// Ordering needs each recipient's stream locked until commit (ids come from one sequence: an
/// earlier id committing later would be skipped by a cursor already past it). A batch holding
/// locks for many writes would deadlock against another node's batch if it took them as it
/// went, so every write first names the streams it may add to (its plan: a read on any pooled
/// connection, before it joins a batch) and the batch takes all of them at once, in one
/// statement, in key order, and never another: no two batches wait on each other's stream
/// locks. A
/// write that finds it must add to a stream its plan did not name (someone commented in
/// between) gives way before writing anything and is planned again.
///
/// No savepoints (two round trips per write): a write that fails in a batch of several rolls
/// the batch back, and each of its writes runs again alone, so the failing one fails with its
/// own error and the others commit. Failures are rare here: plans find what is missing, and
/// every write that touches a user's events or unread count holds that user's stream lock, so
/// rows are not fought over either (PostgreSQL would end such a deadlock by failing one side,
/// whose writes would then run alone).
final class PostgresGroupCommit: Sendable {
    private typealias Finish = @Sendable (Result<Void, any Error>) -> Void

    private struct Job: Sendable {
        var events: Int
        var streams: [String]
        /// Runs the write in the batch's transaction; answers how to finish after the commit.
        var run: @Sendable (inout BatchWrite) async throws -> Finish
        var fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var waiting: [Job] = []
        var running = 0
    }

    private let pool: PostgresPool
    private let channel: String
    private let logger: Logger
    /// Batches run at once, each on its own connection: while one waits for its commit, the
    /// next is written.
    private let inFlight: Int
    private let queue = NIOLockedValueBox(Queue())
    private let counters = NIOLockedValueBox((batches: 0, writes: 0))
    private let committedBatch: @Sendable (Int) -> Void

    init(
        pool: PostgresPool, channel: String, logger: Logger, inFlight: Int = 2,
        committedBatch: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.pool = pool
        self.channel = channel
        self.logger = logger
        self.inFlight = inFlight
        self.committedBatch = committedBatch
    }

    /// Runs a write in a batch: `plan` reads (on any pooled connection, or from what is known)
    /// what `work` needs and the streams it may add events to; `work` runs in the batch's transaction with those streams locked, and may
    /// run more than once (only the last run commits).
    func write<Plan: Sendable, T: Sendable>(
        events: Int = 1,
        plan: @escaping @Sendable () async throws -> (streams: [String], plan: Plan),
        _ work: @escaping @Sendable (inout BatchWrite, Plan) async throws -> T
    ) async throws -> T {
        // The batch runs in a task of its own: the caller's clock goes with it (DemoSeed).
        let setBack = StoreClock.setBack
        while true {
            let (streams, planned) = try await plan()
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    enqueue(
                        Job(events: events, streams: streams) { batch in
                            let value = try await StoreClock.$setBack.withValue(setBack) {
                                try await work(&batch, planned)
                            }
                            return { outcome in continuation.resume(with: outcome.map { value }) }
                        } fail: { error in
                            continuation.resume(throwing: error)
                        })
                }
            } catch is BatchWrite.StreamsChanged {
                continue
            }
        }
    }

    /// Batches committed and writes in them so far (tests, like the embedded store's).
    var committed: (batches: Int, writes: Int) { counters.withLockedValue { $0 } }

    /// Writes waiting for a batch.
    var waiting: Int { queue.withLockedValue { $0.waiting.count } }

    private func enqueue(_ job: Job) {
        let start = queue.withLockedValue { queue in
            queue.waiting.append(job)
            guard queue.running < inFlight else { return false }
            queue.running += 1
            return true
        }
        guard start else { return }
        Task {
            while let batch = self.takeBatch() { await self.run(batch) }
        }
    }

    /// What is waiting, oldest first, up to `NextBatch.cap` events (at least one write), or nil
    /// (and this drain ends) when nothing is.
    private func takeBatch() -> [Job]? {
        queue.withLockedValue { queue in
            guard !queue.waiting.isEmpty else {
                queue.running -= 1
                return nil
            }
            return NextBatch.take(from: &queue.waiting, events: \.events)
        }
    }

    private func run(_ batch: [Job]) async {
        do {
            try await pool.withConnection { connection in
                // Each again on its own: the one that failed fails with its own error.
                for job in await self.commit(batch, on: connection) { _ = await self.commit([job], on: connection) }
            }
        } catch {
            // Only leasing a connection throws here (none within the pool's wait): nothing of
            // the batch ran.
            for job in batch { job.fail(error) }
        }
    }

    /// Runs the batch in one transaction and answers each write; or, when a write of a batch
    /// of several fails, rolls back and answers the writes still unanswered: each is to run
    /// alone. (One that gave way to a fresh plan was answered: its caller runs it again.)
    private func commit(_ batch: [Job], on connection: PostgresConnection) async -> [Job] {
        var write = BatchWrite(connection: connection, streams: Set(batch.flatMap(\.streams)), logger: logger)
        var finishes: [Finish] = []
        // Every write before `next` is staged or answered; these ones answered already.
        var next = 0
        var yielded = Set<Int>()
        /// A write (or the batch's insert of publishes) failed in a batch of several: rolled
        /// back, the writes not yet answered are to run alone.
        func runAlone() async -> [Job] {
            _ = try? await connection.run("ROLLBACK", logger: logger)
            return batch.indices.filter { !yielded.contains($0) }.map { batch[$0] }
        }
        do {
            try await connection.run("BEGIN", logger: logger)
            try await write.lockStreams()
            while next < batch.count {
                do {
                    finishes.append(try await batch[next].run(&write))
                    #if DEBUG
                        if next == 0, batch.count > 1, Failpoint.postgresConnectionLostMidBatch.fires() {
                            logger.notice(
                                "failpoint \(Failpoint.postgresConnectionLostMidBatch.rawValue): closing the connection"
                            )
                            try await connection.close()
                        }
                    #endif
                } catch let changed as BatchWrite.StreamsChanged {
                    batch[next].fail(changed)  // wrote nothing: planned again
                    yielded.insert(next)
                } catch  where batch.count > 1 {
                    return await runAlone()
                }
                next += 1
            }
            do {
                try await write.insertStaged()
            } catch  where batch.count > 1 {
                return await runAlone()
            }
            try await write.announce(on: channel)
            try await connection.run("COMMIT", logger: logger)
        } catch {
            _ = try? await connection.run("ROLLBACK", logger: logger)
            for finish in finishes { finish(.failure(error)) }
            for job in batch[next...] { job.fail(error) }
            return []
        }
        counters.withLockedValue {
            $0.batches += 1
            $0.writes += finishes.count
        }
        committedBatch(finishes.count)
        for finish in finishes { finish(.success(())) }
        return []
    }
}

/// A write's view of its batch: the connection inside the transaction, and the events it stores.
struct BatchWrite {
    /// The write must add to a stream its plan did not name: thrown before it writes anything,
    /// it is planned again.
    struct StreamsChanged: Error {}

    let connection: PostgresConnection
    /// Locked for the batch: the only streams its writes may add to.
    let streams: Set<String>
    let logger: Logger
    /// Every event stored so far, in id order within each write.
    fileprivate(set) var announced: [CrossNodePayload.Event] = []
    /// Published events waiting for the batch's insert of them (`stagePublished`).
    private var staged: [(drafts: [EventDraft], createdAt: Int64, ids: PublishedIDs)] = []

    fileprivate init(connection: PostgresConnection, streams: Set<String>, logger: Logger) {
        self.connection = connection
        self.streams = streams
        self.logger = logger
    }

    /// Every lock in one statement, in key order: a batch never waits holding a lock another
    /// batch wants while that one waits for a lock this one holds.
    fileprivate func lockStreams() async throws {
        guard !streams.isEmpty else { return }
        _ = try await connection.rows(Prepared.LockStreams(Array(streams)), logger: logger)
    }

    /// Throws `StreamsChanged` unless every one of `recipients` is locked: call it before
    /// writing anything that depends on who they are.
    func require(_ recipients: [String]) throws {
        guard recipients.allSatisfy(streams.contains) else { throw StreamsChanged() }
    }

    /// Stores the drafts (one statement per run of drafts that differ only in recipient);
    /// answers their ids in the drafts' order.
    mutating func insert(_ drafts: [EventDraft]) async throws -> [Int64] {
        try require(drafts.map(\.recipient))
        var ids: [Int64] = []
        var rest = drafts[...]
        while let first = rest.first {
            let run = rest.prefix { $0.sameEvent(as: first) }
            rest = rest.dropFirst(run.count)
            // Ids are drawn in the order rows leave the sort, so sorted ids follow the drafts.
            var stored: [(id: Int64, recipient: String)] = []
            try connection.ensureOpen()
            for try await row in try await connection.query(
                """
                INSERT INTO events (
                    recipient_id, type, actor_id, post_id, comment_id, request_id, text, data, created_at, read)
                SELECT recipient, \(first.type.rawValue), \(first.actor), \(first.postId), \(first.commentId),
                       \(first.requestId), \(first.text), \(first.data), \(StoreClock.now()), \(first.read)
                FROM unnest(\(run.map(\.recipient))::TEXT[]) WITH ORDINALITY AS drafts(recipient, n) ORDER BY n
                RETURNING id, recipient_id
                """, logger: logger
            ).decode((Int64, String).self) {
                stored.append(row)
            }
            stored.sort { $0.id < $1.id }
            ids += stored.map(\.id)
            self.stored(stored)
        }
        return ids
    }

    /// Events a write stored with a statement of its own (after `require`), in id order.
    mutating func stored(_ events: [(id: Int64, recipient: String)]) {
        announced += events.map { CrossNodePayload.Event(id: $0.id, recipient: $0.recipient) }
    }

    /// The batch's events to every node, as few NOTIFYs as fit (`CrossNodePayload`),
    /// delivered at commit, in commit order.
    fileprivate func announce(on channel: String) async throws {
        let payloads = CrossNodePayload.encode(announced)
        guard !payloads.isEmpty else { return }
        _ = try await connection.rows(Prepared.Notify(channel: channel, payloads: payloads), logger: logger)
    }

    /// Stages published events (`NotificationRules.publish`'s drafts: one text for its
    /// recipients, nothing else) for the batch's one insert of them, run before its NOTIFY:
    /// a batch of publishes costs one statement, not one each. Their ids are in the answer
    /// once that insert has run.
    mutating func stagePublished(_ drafts: [EventDraft]) throws -> PublishedIDs {
        try require(drafts.map(\.recipient))
        let data = drafts.first?.data
        precondition(drafts.allSatisfy { $0 == EventDraft(recipient: $0.recipient, type: .custom, data: data) })
        let ids = PublishedIDs()
        staged.append((drafts, StoreClock.now(), ids))
        return ids
    }

    /// Inserts what `stagePublished` staged, each write's text and time bound once however many
    /// recipients it has.
    fileprivate mutating func insertStaged() async throws {
        guard !staged.isEmpty else { return }
        var recipients: [String] = []
        var which: [Int32] = []
        for (number, (drafts, _, _)) in staged.enumerated() {
            recipients += drafts.map(\.recipient)
            which += repeatElement(Int32(number + 1), count: drafts.count)
        }
        let statement = Prepared.InsertPublished(
            recipients: recipients, which: which, texts: staged.map { $0.drafts.first?.data ?? "" },
            createdAt: staged.map(\.createdAt))
        var stored = try await connection.rows(statement, logger: logger).map { try $0.decode((Int64, String).self) }
        guard stored.count == recipients.count else {
            throw StoreError.unavailable("\(stored.count) of \(recipients.count) published events stored")
        }
        stored.sort { $0.0 < $1.0 }
        var offset = 0
        for (drafts, _, ids) in staged {
            ids.set(stored[offset..<offset + drafts.count].map(\.0))
            offset += drafts.count
        }
        self.stored(stored.map { (id: $0.0, recipient: $0.1) })
        staged = []
    }
}

/// The ids of published events staged in a batch, set when the batch inserts them (before
/// its commit, so before the write is answered).
final class PublishedIDs: Sendable {
    private let box: NIOLockedValueBox<[Int64]>

    init(_ ids: [Int64] = []) { box = NIOLockedValueBox(ids) }

    fileprivate func set(_ ids: [Int64]) { box.withLockedValue { $0 = ids } }

    var ids: [Int64] { box.withLockedValue { $0 } }
}

extension EventDraft {
    /// The same event for another recipient: stored by one statement.
    func sameEvent(as other: EventDraft) -> Bool {
        var other = other
        other.recipient = recipient
        return self == other
    }
}
