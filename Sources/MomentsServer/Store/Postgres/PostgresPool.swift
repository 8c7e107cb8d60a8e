import Logging
import NIOConcurrencyHelpers
import PostgresNIO

/// postgres-nio's connection pool, with a bound on how long a caller waits for a connection.
///
/// The pool keeps a lease waiting for as long as it cannot connect: while PostgreSQL is down,
/// for ever. A request then went unanswered, and a graceful shutdown waited for it with no
/// end; now it fails with `StoreError.unavailable` (503 `store_unavailable`) after `wait`.
/// Once leased, a connection is the caller's for as long as its work takes.
struct PostgresPool: Sendable {
    let client: PostgresClient
    let wait: Duration

    func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let leased = NIOLockedValueBox(false)
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    leased.withLockedValue { $0 = true }
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: wait)
                // Leased in time: the work goes on, however long it takes.
                if leased.withLockedValue({ $0 }) { return nil }
                throw StoreError.unavailable(wait)
            }
            while let answer = try await group.next() {
                if let answer {
                    group.cancelAll()
                    return answer
                }
            }
            throw CancellationError()  // not reached: the lease's task answers or throws
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

    /// What went wrong, in words an operator can act on: `PSQLError`'s own description is
    /// generic on purpose.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}
