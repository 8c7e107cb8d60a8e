import Foundation
import MomentsCore
import PostgresNIO

extension PostgresStore {
    public func history() async throws -> StreamHistory {
        try await pool.withConnection { connection in
            for try await (epoch, pruned, newest) in try await connection.query(
                """
                SELECT (SELECT value FROM settings WHERE key = 'epoch'),
                    (SELECT value FROM settings WHERE key = 'pruned_through'),
                    (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM events_id_seq)
                """, logger: self.logger
            ).decode((String, String, Int64).self) {
                return StreamHistory(epoch: epoch, prunedThrough: Int64(pruned) ?? 0, newest: newest)
            }
            throw StoreSetupError("the settings of \(self.address) have no epoch")
        }
    }

    /// One statement: the floor row locked (nodes pruning at once take turns), the batch
    /// deleted and the floor moved together.
    public func pruneEvents(olderThan cutoff: Date, limit: Int) async throws -> Int {
        let cutoff = WireCoding.milliseconds(cutoff)
        return try await pool.withConnection { connection in
            for try await deleted in try await connection.query(
                """
                WITH floor AS (
                    SELECT value::bigint AS pruned FROM settings WHERE key = 'pruned_through' FOR UPDATE
                ), batch AS (
                    SELECT e.id, e.created_at FROM events e, floor WHERE e.id > floor.pruned ORDER BY e.id LIMIT \(limit)
                ), bound AS (
                    SELECT coalesce(
                        (SELECT MIN(id) - 1 FROM batch WHERE created_at >= \(cutoff)), (SELECT MAX(id) FROM batch)
                    ) AS through
                ), gone AS (
                    DELETE FROM events e USING floor, bound
                    WHERE e.id > floor.pruned AND e.id <= bound.through RETURNING 1
                ), moved AS (
                    UPDATE settings SET value = bound.through::text FROM bound, floor
                    WHERE key = 'pruned_through' AND bound.through > floor.pruned
                )
                SELECT COUNT(*) FROM gone
                """, logger: self.logger
            ).decode(Int64.self) {
                return Int(deleted)
            }
            return 0
        }
    }
}
