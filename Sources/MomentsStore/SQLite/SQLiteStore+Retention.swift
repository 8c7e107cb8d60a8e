import Foundation
import GRDB
import MomentsCore

extension SQLiteStore {
    public func history() async throws -> StreamHistory {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT (SELECT value FROM settings WHERE key = 'epoch') AS epoch,
                            (SELECT value FROM settings WHERE key = 'pruned_through') AS pruned,
                            coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS newest
                        """))
            return StreamHistory(
                epoch: row?["epoch"] ?? "", prunedThrough: Int64(row?["pruned"] as String? ?? "0") ?? 0,
                newest: row?["newest"] ?? 0)
        }
    }

    /// One short transaction: the writer is held for one batch, never for a whole backlog.
    public func pruneEvents(olderThan cutoff: Date, limit: Int) async throws -> Int {
        let deleted = try await pool.write { db -> Int in
            let pruned =
                Int64(
                    try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = 'pruned_through'") ?? "0") ?? 0
            guard
                let through = try Int64.fetchOne(
                    db.cachedStatement(sql: RetentionSQL.sqliteThrough),
                    arguments: ["pruned": pruned, "limit": limit, "cutoff": WireCoding.milliseconds(cutoff)]),
                through > pruned
            else { return 0 }
            try db.execute(
                sql: "DELETE FROM events WHERE id > ? AND id <= ?", arguments: [pruned, through])
            let count = db.changesCount
            try db.execute(
                sql: "UPDATE settings SET value = ? WHERE key = 'pruned_through'", arguments: [String(through)])
            return count
        }
        if deleted > 0 { checkpointer?.truncateSoon() }
        return deleted
    }
}

/// The end of the next batch to prune: the batch's last id, or the id before its first event
/// that is not old enough (so pruning never jumps over a kept event).
enum RetentionSQL {
    static let sqliteThrough = """
        WITH batch AS (SELECT id, created_at FROM events WHERE id > :pruned ORDER BY id LIMIT :limit)
        SELECT coalesce((SELECT MIN(id) - 1 FROM batch WHERE created_at >= :cutoff), (SELECT MAX(id) FROM batch))
        """
}
