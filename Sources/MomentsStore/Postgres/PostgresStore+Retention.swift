import Foundation
import MomentsCore
import PostgresNIO

extension PostgresStore {
    public func history(user: String) async throws -> StreamHistory {
        try await pool.withConnection { connection in
            for row in try await connection.rows(Prepared.History(user: user), logger: self.logger) {
                let (epoch, pruned, userPruned, newest) = try row.decode((String, String, Int64, Int64).self)
                return StreamHistory(
                    epoch: epoch, prunedThrough: Int64(pruned) ?? 0, userPrunedThrough: userPruned, newest: newest)
            }
            throw StoreSetupError("the settings of \(self.address) have no epoch")
        }
    }

    /// One statement: the floor row locked (nodes pruning at once take turns), the batch
    /// deleted, and the floors (store-wide, and each user's) moved together.
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
                    SELECT MAX(id) AS through FROM batch
                    WHERE id < coalesce((SELECT MIN(id) FROM batch WHERE created_at >= \(cutoff)), 9223372036854775807)
                ), marked AS (
                    UPDATE users u SET pruned_through = g.newest
                    FROM (
                        SELECT e.recipient_id, MAX(e.id) AS newest FROM events e, floor, bound
                        WHERE e.id > floor.pruned AND e.id <= bound.through GROUP BY e.recipient_id
                    ) g
                    WHERE u.id = g.recipient_id
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
