import Foundation
import GRDB
import MomentsCore

/// Pictures in the embedded store: rows in `media`, bytes counted in `media_files` and kept in
/// the `MediaFolder` (a store in a file) or in the row itself (in memory).
extension SQLiteStore {
    public func saveMedia(_ media: NewMedia, idempotent: Idempotent<MediaUploaded>?) async throws -> MediaUploaded {
        let folder = mediaFolder
        // The slow part (writing and syncing the files) before the writer, which only renames.
        let staged = try folder.map { folder in try media.files.map { try folder.stage($0.file.bytes) } }
        defer { if let folder, let staged { staged.forEach(folder.discard) } }
        return try await commits.write { db, _ in
            try db.cachedStatement(
                sql: """
                    INSERT INTO media (id, owner_id, width, height, thumb_digest, large_digest, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                media.id, media.owner, media.width, media.height, media.thumb.digest, media.large.digest,
                StoreClock.now(),
            ])
            for (index, (file, refs)) in media.files.enumerated() {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO media_files (digest, refs, length, data) VALUES (?1, ?2, ?3, ?4)
                        ON CONFLICT (digest) DO UPDATE SET refs = refs + ?2
                        """
                ).execute(arguments: [file.digest, refs, file.bytes.count, folder == nil ? Data(file.bytes) : nil])
                if let folder, let staged { try folder.place(staged[index], as: file.digest) }
            }
            return try Self.keep(db, idempotent, media.uploaded)
        }
    }

    public func mediaContent(id: String, size: MediaSize, viewer: String) async throws -> MediaContent? {
        let column = size == .thumb ? "thumb_digest" : "large_digest"
        let row = try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT f.digest, f.length, f.data FROM media m JOIN media_files f ON f.digest = m.\(column)
                        WHERE m.id = ?1 AND \(Visibility.mediaSQL("m", viewer: "?2"))
                        """), arguments: [id, viewer])
        }
        guard let row else { return nil }
        let digest: String = row["digest"]
        let source: MediaContent.Source =
            if let folder = mediaFolder { .file(path: folder.path(of: digest)) } else {
                .bytes(Array((row["data"] as Data?) ?? Data()))
            }
        return MediaContent(digest: digest, length: row["length"], source: source)
    }

    public func uploads(by owner: String, since: Date) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM media WHERE owner_id = ? AND created_at >= ?"),
                arguments: [owner, WireCoding.milliseconds(since)]) ?? 0
        }
    }

    public func sweepMedia(unattachedBefore cutoff: Date) async throws -> Int {
        let removed = try await commits.write { db, _ in
            try Self.releaseMedia(
                where: """
                    (post_id IS NULL AND created_at < ?)
                    OR (post_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = media.post_id))
                    """, [WireCoding.milliseconds(cutoff)], db)
        }
        try await collectMediaFiles()
        return removed
    }

    /// Drops the bytes no picture names any more; the files go after the commit, on the writer.
    func collectMediaFiles() async throws {
        let folder = mediaFolder
        try await commits.write { db, _ in
            let gone = try String.fetchAll(db, sql: "DELETE FROM media_files WHERE refs <= 0 RETURNING digest")
            guard let folder, !gone.isEmpty else { return }
            // After the whole batch: an upload of the same bytes later in it named the file again.
            db.afterNextTransaction { db in
                for digest in gone
                where
                    (try? Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM media_files WHERE digest = ?)", arguments: [digest]))
                    == false
                {
                    folder.remove(digest)
                }
            }
        }
    }

    /// The pictures a new post takes, in order (`Writes.createPost` checked they may).
    static func attach(_ media: [MediaAttachment], to postId: Int64, owner: String, _ db: Database) throws {
        for (position, item) in media.enumerated() {
            try db.cachedStatement(
                sql:
                    "UPDATE media SET post_id = ?, position = ?, alt = ? WHERE id = ? AND owner_id = ? AND post_id IS NULL"
            ).execute(arguments: [postId, position, item.alt, item.id, owner])
        }
    }

    /// Deletes the picture rows `condition` picks and releases their bytes (`collectMediaFiles`
    /// then drops what nothing names); answers how many went.
    @discardableResult
    static func releaseMedia(where condition: String, _ arguments: StatementArguments, _ db: Database) throws -> Int {
        let rows = try Row.fetchAll(
            db, sql: "DELETE FROM media WHERE \(condition) RETURNING thumb_digest, large_digest", arguments: arguments
        ).map { (thumb: $0[0] as String, large: $0[1] as String) }
        for (digest, count) in MediaRelease.counts(rows) {
            try db.cachedStatement(sql: "UPDATE media_files SET refs = refs - ? WHERE digest = ?")
                .execute(arguments: [count, digest])
        }
        return rows.count
    }
}
