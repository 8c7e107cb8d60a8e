import Foundation

/// The private PostgreSQL `scripts/with-postgres` started (MOMENTS_TEST_POSTGRES,
/// MOMENTS_TEST_POSTGRES_PID), as the suites use it: a populated database made once, copied
/// for every run (CREATE DATABASE … TEMPLATE).
struct SuitePostgres {
    /// `postgres://USER@HOST:PORT`, without a database.
    let base: String
    /// The postmaster's pid, for the database's own CPU (`--postgres-pid`).
    let postmaster: String?
    let tools: SuiteTools

    init(tools: SuiteTools, purpose: String) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let database = environment["MOMENTS_TEST_POSTGRES"], let slash = database.lastIndex(of: "/") else {
            throw BenchError("\(purpose) needs a PostgreSQL: run it under scripts/with-postgres")
        }
        base = String(database[..<slash])
        postmaster = environment["MOMENTS_TEST_POSTGRES_PID"]
        self.tools = tools
    }

    func url(_ database: String) -> String { "\(base)/\(database)" }

    func sql(_ statements: String...) async throws {
        try await Child.succeed(
            try Self.psql(), ["-d", url("postgres"), "-qAt"] + statements.flatMap { ["-c", $0] },
            output: tools.file("psql.txt"))
    }

    /// An empty database that commits without waiting for the disk while it is populated (its
    /// copies do wait).
    func createForPopulating(_ name: String) async throws {
        try await sql(
            "DROP DATABASE IF EXISTS \(name)", "CREATE DATABASE \(name)",
            "ALTER DATABASE \(name) SET synchronous_commit = off")
    }

    /// A fresh copy of `template` under `name`.
    func copy(_ template: String, to name: String) async throws {
        // FORCE: the backends of the server just stopped may still be on their way out.
        try await sql(
            "DROP DATABASE IF EXISTS \(name) WITH (FORCE)", "CREATE DATABASE \(name) TEMPLATE \(template)")
    }

    /// Debian's newest PostgreSQL client.
    static func psql() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        guard let newest = versions.compactMap(Int.init).max() else {
            throw BenchError("PostgreSQL is not installed (scripts/ensure-deps installs it)")
        }
        return "\(root)/\(newest)/bin/psql"
    }
}
