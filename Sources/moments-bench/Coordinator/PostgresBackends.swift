import Foundation

/// The client connections a PostgreSQL server holds: its postmaster's children whose command
/// line names a client (`postgres: USER DB 127.0.0.1(PORT) idle`), not its own workers.
enum PostgresBackends {
    static func count(postmaster: Int32) -> Int {
        ProcessTree.children(of: postmaster).filter { pid in
            guard let line = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8) else { return false }
            return line.contains("(") || line.contains("[local]")
        }.count
    }
}
