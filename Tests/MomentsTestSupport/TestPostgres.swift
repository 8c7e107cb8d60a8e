import Foundation
import Logging
import MomentsStore
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

    /// PostgreSQL gone, as a node on `database` (a `createDatabase` URL) sees it: new
    /// connections refused, and its sessions (those whose query is `LIKE` the pattern) ended,
    /// waiting until each has gone. `reopen` lets connections in again.
    public static func cutOff(_ database: String, sessions pattern: String = "%") async throws {
        let (name, admin) = try names(database)
        try await execute("ALTER DATABASE \(name) ALLOW_CONNECTIONS false", on: admin)
        try await execute(
            """
            SELECT pg_terminate_backend(pid, 30000) FROM pg_stat_activity
            WHERE datname = '\(name)' AND query LIKE '\(pattern)'
            """, on: admin)
    }

    public static func reopen(_ database: String) async throws {
        let (name, admin) = try names(database)
        try await execute("ALTER DATABASE \(name) ALLOW_CONNECTIONS true", on: admin)
    }

    /// The database's name (generated, [a-z0-9_]: safe in DDL) and the instance's admin URL.
    private static func names(_ database: String) throws -> (name: String, admin: String) {
        guard let admin = url, let path = URL(string: database)?.path, path.count > 1 else {
            throw TestFailure("\(variable) is not set, or \(database) names no database")
        }
        return (String(path.dropFirst()), admin)
    }

    /// Runs one statement (test set-up and sabotage only: the SQL is taken as is).
    public static func execute(_ sql: String, on url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestFailure("not a postgres:// URL: \(url)")
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/")), tls: .disable)
        // As long as the server's own connects wait (PostgresAddress.connectTimeout), stretched.
        configuration.options.connectTimeout = TimeAmount(connectionWait)
        let logger = Logger(label: "test-postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw TestFailure("cannot connect to run \(sql): \(String(reflecting: error))")
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw TestFailure("\(sql): \(String(reflecting: error))")
        }
        try await connection.close()
    }
}
