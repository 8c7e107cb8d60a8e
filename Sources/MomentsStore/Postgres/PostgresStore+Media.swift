import Foundation
import MomentsCore
import PostgresNIO

/// Pictures in the shared store: rows in `media` as the embedded store's, and the bytes in
/// `media_files` too, so every node serves every picture.
extension PostgresStore {
    public func saveMedia(_ media: NewMedia, idempotent: Idempotent<MediaUploaded>?) async throws -> MediaUploaded {
        try await commits.write(plan: { ([], ()) }) { batch, _ in
            try batch.connection.ensureOpen()
            try await batch.connection.query(
                """
                INSERT INTO media (id, owner_id, width, height, thumb_digest, large_digest, created_at)
                VALUES (\(media.id), \(media.owner), \(Int32(media.width)), \(Int32(media.height)),
                        \(media.thumb.digest), \(media.large.digest), \(StoreClock.now()))
                """, logger: self.logger)
            for (file, refs) in media.files {
                try batch.connection.ensureOpen()
                try await batch.connection.query(
                    """
                    INSERT INTO media_files (digest, refs, length, data)
                    VALUES (\(file.digest), \(Int32(refs)), \(Int32(file.bytes.count)), \(ByteBuffer(bytes: file.bytes)))
                    ON CONFLICT (digest) DO UPDATE SET refs = media_files.refs + excluded.refs
                    """, logger: self.logger)
            }
            if let idempotent { try await self.keep(batch, idempotent, media.uploaded) }
            return media.uploaded
        }
    }

    public func mediaContent(id: String, size: MediaSize, viewer: String) async throws -> MediaContent? {
        let column: SQLFragment = size == .thumb ? "m.thumb_digest" : "m.large_digest"
        let query: SQLFragment = """
            SELECT f.digest, f.length, f.data FROM media m JOIN media_files f ON f.digest = \(column)
            WHERE m.id = \(id) AND \(SQLFragment(Visibility.mediaSQL("m", viewer: ":viewer"), binding: ["viewer": viewer]))
            """
        return try await pool.withConnection { connection in
            for try await (digest, length, data) in try await connection.query(query.query, logger: self.logger)
                .decode((String, Int32, ByteBuffer).self)
            {
                return MediaContent(digest: digest, length: Int(length), source: .bytes(Array(buffer: data)))
            }
            return nil
        }
    }

    public func uploads(by owner: String, since: Date) async throws -> Int {
        try await pool.withConnection { connection in
            for try await count in try await connection.query(
                "SELECT COUNT(*) FROM media WHERE owner_id = \(owner) AND created_at >= \(WireCoding.milliseconds(since))",
                logger: self.logger
            ).decode(Int64.self) {
                return Int(count)
            }
            return 0
        }
    }

    public func sweepMedia(unattachedBefore cutoff: Date) async throws -> Int {
        let removed = try await pool.withConnection { connection in
            for try await count in try await connection.query(
                """
                WITH gone AS (
                    DELETE FROM media m
                    WHERE (m.post_id IS NULL AND m.created_at < \(WireCoding.milliseconds(cutoff)))
                       OR (m.post_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = m.post_id))
                    RETURNING thumb_digest, large_digest
                ), released AS (
                    UPDATE media_files f SET refs = f.refs - r.n
                    FROM (SELECT d, COUNT(*) AS n FROM gone, unnest(ARRAY[thumb_digest, large_digest]) AS d GROUP BY d) r
                    WHERE f.digest = r.d
                )
                SELECT COUNT(*) FROM gone
                """, logger: self.logger
            ).decode(Int64.self) {
                return Int(count)
            }
            return 0
        }
        try await collectMediaFiles()
        return removed
    }

    /// Drops the bytes no picture names any more. An upload of the same bytes at the same time
    /// either counts first (the row stays) or finds it gone and inserts it again.
    func collectMediaFiles() async throws {
        try await pool.withConnection { connection in
            try await connection.query("DELETE FROM media_files WHERE refs <= 0", logger: self.logger)
        }
    }
}
