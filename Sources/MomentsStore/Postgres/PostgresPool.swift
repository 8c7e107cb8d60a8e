import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// postgres-nio's connection pool, with a bound on how long a caller waits for a connection.
///
/// The pool keeps a lease waiting while it cannot connect, until its circuit breaker trips
/// (a minute of failed connects) and then fails leases at once with an error of its own. A
/// request went unanswered all that while, and a graceful shutdown waited for it; then it got
/// 500. Now a caller that has no connection after `wait`, or whose lease fails, gets
/// `StoreError.unavailable` (503 `store_unavailable`). Once leased, a connection is the
/// caller's for as long as its work takes: the wait bounds getting one, not the queries.
struct PostgresPool: Sendable {
    let client: PostgresClient
    private let waitBox: NIOLockedValueBox<Duration>

    init(client: PostgresClient, wait: Duration) {
        self.client = client
        waitBox = NIOLockedValueBox(wait)
    }

    /// How long a caller waits for a connection. Shared by every copy, and settable so a test
    /// can shorten it once its node has started (start-up on a loaded machine may take longer).
    var wait: Duration {
        get { waitBox.withLockedValue { $0 } }
        nonmutating set { waitBox.withLockedValue { $0 = newValue } }
    }

    /// Which came first: the connection or the end of the wait. Decided once, under the lock,
    /// so work never starts on a connection leased just after the caller was told "nothing was
    /// done".
    private enum Lease {
        case waiting, leased, gaveUp
    }

    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let lease = NIOLockedValueBox(Lease.waiting)
        let wait = self.wait
        let late = StoreError.unavailable("none within \(wait)")
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                do {
                    return try await client.withConnection { connection in
                        let mine = lease.withLockedValue { state in
                            guard state == .waiting else { return false }
                            state = .leased
                            return true
                        }
                        guard mine else { throw late }
                        return try await body(connection)
                    }
                } catch {
                    // A failure before the work started (the pool closed, its circuit broken) is
                    // the database being unavailable; once leased, the work's own error stands.
                    guard lease.withLockedValue({ $0 }) != .leased, !Task.isCancelled else { throw error }
                    throw error as? StoreError ?? StoreError.unavailable(StoreFailure.describe(error))
                }
            }
            group.addTask {
                // A caller cancelled meanwhile still gets what the work did, if it started.
                try? await Task.sleep(for: wait)
                let gaveUp = lease.withLockedValue { state in
                    guard state == .waiting else { return false }
                    state = .gaveUp
                    return true
                }
                if gaveUp { throw Task.isCancelled ? CancellationError() as any Error : late }
                return nil
            }
            while let answer = try await group.next() {
                if let answer {
                    group.cancelAll()
                    return answer
                }
            }
            throw late  // not reached: the lease's task answers or throws
        }
    }

    /// A transaction on a leased connection; its failure is the closure's own error (a
    /// `StoreError` stays one).
    func withTransaction<Result: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            do {
                return try await connection.withTransaction(logger: logger) { try await body($0) }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error
            }
        }
    }

    /// One statement whose rows are not needed.
    func run(_ query: PostgresQuery, logger: Logger) async throws {
        try await withConnection { _ = try await $0.query(query, logger: logger) }
    }
}
