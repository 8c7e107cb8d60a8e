import GRDB
import PostgresNIO

/// A write refused for lack of space, whichever store: SQLite's `SQLITE_FULL` (the disk, or
/// `max_page_count`), PostgreSQL's `53100 disk_full`. The store rolled the write back; it works
/// again once there is space, without a restart.
enum StorageFull {
    static func matches(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError { return error.resultCode == .SQLITE_FULL }
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "53100" }
        return false
    }
}
