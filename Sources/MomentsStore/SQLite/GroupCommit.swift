import GRDB
import NIOConcurrencyHelpers

/// Group commit for the embedded store: every write waiting for SQLite's single writer is run
/// in one transaction, each in a savepoint of its own, and committed once. Only after that
/// commit are the batch's events handed to the sink (in commit order, so pushes never overtake
/// one another) and its requests answered: acknowledged still means committed.
///
/// A write that fails rolls back its own savepoint and fails alone; the others commit. If the
/// commit itself fails, every write of the batch fails with that error. Nothing waits to fill a
/// batch: a write arriving at an idle writer runs at once, and what arrives meanwhile forms the
/// next batch — a batch is as big as the load makes it, up to `NextBatch.cap` events. The cap
/// keeps big writes apart: twenty broadcasts to 10,000 users in one transaction pushed nothing
/// until all 200,000 rows were in (deliveries/s halved); one each, the first is pushed while
/// the next is written.
final class GroupCommit: Sendable {
    /// What one write leaves for after the commit.
    private struct Staged {
        var stored: [StoredEvent] = []
        /// Why this write failed, if it did.
        var failure: (any Error)?
        var failed: Bool { failure != nil }
        var finish: @Sendable (Result<Void, any Error>) -> Void
    }

    private struct Job {
        /// About how many events it stores: what a batch is capped by.
        var events: Int
        /// Runs the write inside its savepoint (or, alone in its batch, the transaction);
        /// answers what to do once the batch commits.
        var run: @Sendable (Database, _ alone: Bool) -> Staged
        /// For a batch that failed before this write ran (its transaction did not begin).
        var fail: @Sendable (any Error) -> Void
    }

    private struct Queue {
        var waiting: [Job] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let sink: any EventSink
    private let queue = NIOLockedValueBox(Queue())
    private let counters = NIOLockedValueBox((batches: 0, writes: 0))
    /// Told each commit's number of writes that succeeded (the node's metrics and readiness).
    private let committedBatch: @Sendable (Int) -> Void

    /// The log's truncation, run between commits when asked (a file store's; nil in memory).
    private let truncation: LogTruncation?

    init(
        writer: any DatabaseWriter, sink: any EventSink, truncation: LogTruncation? = nil,
        committedBatch: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.writer = writer
        self.sink = sink
        self.truncation = truncation
        self.committedBatch = committedBatch
    }

    /// Runs `work` in the next batch. Events it appends to `stored` are published after
    /// the commit, only if this write succeeded.
    func write<T: Sendable>(
        events: Int = 1, _ work: @escaping @Sendable (Database, _ stored: inout [StoredEvent]) throws -> T
    ) async throws -> T {
        // The writer runs it in a task of its own: the caller's clock goes with it (DemoSeed).
        let setBack = StoreClock.setBack
        return try await withCheckedThrowingContinuation { continuation in
            enqueue(
                Job(events: events) { db, alone in
                    var stored: [StoredEvent] = []
                    var value: T?
                    do {
                        try StoreClock.$setBack.withValue(setBack) {
                            // Alone in its batch, the transaction is its savepoint: two statements fewer.
                            if alone {
                                value = try work(db, &stored)
                            } else {
                                try db.inSavepoint {
                                    value = try work(db, &stored)
                                    return .commit
                                }
                            }
                        }
                    } catch {
                        return Staged(failure: error) { _ in continuation.resume(throwing: error) }
                    }
                    let result = value!
                    return Staged(stored: stored) { outcome in
                        continuation.resume(with: outcome.map { result })
                    }
                } fail: { error in
                    continuation.resume(throwing: error)
                })
        }
    }

    /// Batches committed and writes in them so far: how writes grouped (GroupCommitTests).
    var committed: (batches: Int, writes: Int) { counters.withLockedValue { $0 } }

    /// Writes waiting for the writer.
    var waiting: Int { queue.withLockedValue { $0.waiting.count } }

    private func enqueue(_ job: Job) {
        let start = queue.withLockedValue { queue in
            queue.waiting.append(job)
            defer { queue.draining = true }
            return !queue.draining
        }
        guard start else { return }
        // On the writer's own queue: one hop there, and the drain stays there while work arrives.
        writer.asyncWriteWithoutTransaction { db in
            while let batch = self.takeBatch() {
                self.commit(batch, db)
                self.truncation?.runIfWanted(
                    db, busyMilliseconds: LogTruncation.writerWait, restoreMilliseconds: SQLiteStore.busyMilliseconds)
            }
        }
    }

    /// What is waiting, oldest first, up to `NextBatch.cap` events (at least one write), or nil
    /// (and the drain ends) when nothing is.
    private func takeBatch() -> [Job]? {
        queue.withLockedValue { queue in
            guard !queue.waiting.isEmpty else {
                queue.draining = false
                return nil
            }
            return NextBatch.take(from: &queue.waiting, events: \.events)
        }
    }

    private func commit(_ batch: [Job], _ db: Database) {
        var staged: [Staged] = []
        staged.reserveCapacity(batch.count)
        let outcome: Result<Void, any Error> = Result {
            try db.inTransaction {
                for job in batch {
                    // SQLite may roll the whole transaction back on its own (SQLITE_FULL, IOERR):
                    // then the rest must not run outside it, committing one by one.
                    guard db.isInsideTransaction else { throw staged.last?.failure ?? GroupCommitError.transactionLost }
                    staged.append(job.run(db, batch.count == 1))
                }
                guard db.isInsideTransaction else { throw staged.last?.failure ?? GroupCommitError.transactionLost }
                // A lone write that failed rolls the transaction back; others commit around failures.
                if batch.count == 1, staged[0].failed { return .rollback }
                return .commit
            }
        }
        counters.withLockedValue {
            $0.batches += 1
            $0.writes += batch.count
        }
        if case .success = outcome {
            committedBatch(staged.filter { !$0.failed }.count)
            let stored = staged.flatMap(\.stored)
            if !stored.isEmpty { sink.publish(stored) }
        }
        // A write that failed in its savepoint already holds its own error and ignores this.
        for write in staged { write.finish(outcome) }
        if case .failure(let error) = outcome {
            for job in batch[staged.count...] { job.fail(error) }
        }
    }
}

enum GroupCommitError: Error {
    /// SQLite ended the batch's transaction without saying why: nothing of it stays.
    case transactionLost
}
