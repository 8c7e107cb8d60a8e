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
        // Not a child task: a caller that gave up must not wait for it. postgres-nio does not
        // always drop a waiting lease when its task is cancelled, and a task group would wait
        // for it (a minute, until the circuit breaker trips): a shutdown waited that long.
        let work = Task { () async throws -> Result in
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
        let answer = Answer<Result>()
        /// Ends the wait with `error` unless the work has its connection (then its result stands).
        @Sendable func giveUp(with error: any Error) {
            let waiting = lease.withLockedValue { state in
                guard state == .waiting else { return false }
                state = .gaveUp
                return true
            }
            guard waiting else { return }
            work.cancel()
            answer.settle(.failure(error))
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.await(continuation)
                // The timer goes once the work settles: a sleeping task per lease would
                // otherwise outlive it by the whole wait (thousands at a thousand writes a second).
                let timer = Task {
                    guard (try? await Task.sleep(for: wait)) != nil else { return }
                    giveUp(with: late)
                }
                Task {
                    answer.settle(await work.result)
                    timer.cancel()
                }
            }
        } onCancel: {
            // A caller cancelled meanwhile still gets what the work did, if it started.
            giveUp(with: CancellationError())
        }
    }

    /// The first of the work's result, the end of the wait or a cancellation, handed to the
    /// caller once, whichever comes before the caller starts waiting.
    private final class Answer<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Value, any Error>?
            var early: Swift.Result<Value, any Error>?
            var done = false
        }
        private let state = NIOLockedValueBox(State())

        func await(_ continuation: CheckedContinuation<Value, any Error>) {
            let early = state.withLockedValue { state -> Swift.Result<Value, any Error>? in
                guard let early = state.early else {
                    state.continuation = continuation
                    return nil
                }
                return early
            }
            if let early { continuation.resume(with: early) }
        }

        func settle(_ result: Swift.Result<Value, any Error>) {
            let waiting = state.withLockedValue { state -> CheckedContinuation<Value, any Error>? in
                guard !state.done else { return nil }
                state.done = true
                guard let continuation = state.continuation else {
                    state.early = result
                    return nil
                }
                state.continuation = nil
                return continuation
            }
            waiting?.resume(with: result)
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
