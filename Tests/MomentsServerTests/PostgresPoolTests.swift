import Foundation
import Logging
import PostgresNIO
import Testing

@testable import MomentsStore
@testable import MomentsTestSupport

/// A caller waits for a connection no longer than the pool's `wait`, whatever postgres-nio
/// does with the lease meanwhile: here every connection hangs in its start-up (a server that
/// takes the TCP connection and never answers), so postgres-nio never fails the lease.
@Suite("The PostgreSQL pool's bound on waiting")
struct PostgresPoolTests {
    @Test("a server that never answers: the caller hears 'unavailable' at the end of its wait, and close() returns")
    func silentServer() async throws {
        let silent = try HeldPort()
        defer { silent.release() }
        let address = try PostgresAddress("postgres://moments@127.0.0.1:\(silent.port)/moments")
        let quiet = Logger(label: "pool", factory: { _ in SwiftLogNoOpLogHandler() })
        let client = PostgresClient(configuration: address.clientConfiguration, backgroundLogger: quiet)
        let runner = Task { await client.run() }
        let pool = PostgresPool(client: client, wait: .milliseconds(200))
        // Bounded generously: without the bound the call would wait as long as the start-up does.
        try await within(hangGuard) {
            await #expect(throws: StoreError.self) {
                try await pool.withConnection { _ in 1 }
            }
        }
        runner.cancel()
        try await within(hangGuard) { await runner.value }
    }
}
