import Foundation
import Logging
import PostgresNIO

/// The private PostgreSQL instance scripts/with-postgres starts for the tests
/// (`MOMENTS_TEST_POSTGRES`), and a fresh database in it per test.
public enum TestPostgres {
    public static let variable = "MOMENTS_TEST_POSTGRES"

    public static var url: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static var isConfigured: Bool { url != nil }

    /// How long a test's store waits for a pooled connection: as long as a connect may take
    /// (`PostgresAddress.connectTimeout`; several at once on a loaded machine have taken over
    /// 10 s), not the production 10 s.
    public static let connectionWait: Duration = .seconds(30).stretched

    public static let skipReason =
        "no PostgreSQL: MOMENTS_TEST_POSTGRES is not set (scripts/test starts one; or scripts/with-postgres -- swift test)"

    /// Creates an empty database and answers its URL.
    public static func createDatabase() async throws -> String {
        guard let url, var components = URLComponents(string: url) else {
            throw TestFailure("\(variable) is not set or not a postgres:// URL")
        }
        let name = "moments_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // A generated name of [a-z0-9_]: safe to splice into DDL, which takes no bind parameters.
        try await execute("CREATE DATABASE \(name)", on: url)
        components.path = "/" + name
        return components.string!
    }

    /// Runs one statement (test set-up and sabotage only: the SQL is taken as is).
    public static func execute(_ sql: String, on url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestFailure("not a postgres:// URL: \(url)")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")), tls: .disable)
        let logger = Logger(label: "test-postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
