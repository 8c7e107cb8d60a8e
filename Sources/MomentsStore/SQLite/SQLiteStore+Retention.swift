import Foundation
import GRDB
import MomentsCore

extension SQLiteStore {
    public func history(user: String) async throws -> StreamHistory {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT (SELECT value FROM settings WHERE key = 'epoch') AS epoch,
                            (SELECT value FROM settings WHERE key = 'pruned_through') AS pruned,
                            coalesce((SELECT pruned_through FROM users WHERE id = ?), 0) AS user_pruned,
                            coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) AS newest
                        """), arguments: [user])
            return StreamHistory(
                epoch: row?["epoch"] ?? "", prunedThrough: Int64(row?["pruned"] as String? ?? "0") ?? 0,
                userPrunedThrough: row?["user_pruned"] ?? 0, newest: row?["newest"] ?? 0)
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
                sql: """
                    UPDATE users SET pruned_through = gone.newest
                    FROM (SELECT recipient_id, MAX(id) AS newest FROM events WHERE id > ? AND id <= ? GROUP BY recipient_id)
                        AS gone
                    WHERE users.id = gone.recipient_id
                    """, arguments: [pruned, through])
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

/// The end of the next batch to prune: the batch's last old event before its first young one
/// (so pruning never jumps over a kept event, nor past an id not committed yet: on PostgreSQL
/// an id below a committed one may still be in flight).
enum RetentionSQL {
    static let sqliteThrough = """
        WITH batch AS (SELECT id, created_at FROM events WHERE id > :pruned ORDER BY id LIMIT :limit)
        SELECT MAX(id) FROM batch
        WHERE id < coalesce((SELECT MIN(id) FROM batch WHERE created_at >= :cutoff), 9223372036854775807)
        """
}
