import Foundation
import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsTestSupport

/// `moments-server backup` while the server takes writes, and `restore` into a new data dir.
@Suite("Backup and restore of the embedded store", .serialized)
struct BackupTests {
    @Test(
        "a backup under write load restores to a server with every write acknowledged before it began; old tokens verify; old cursors get the gap"
    )
    func backupUnderLoad() async throws {
        let server = try await ServerProcess()
        let bob = try server.api("bob")
        let alice = try server.api("alice")
        let post = try #require(try await alice.feed().posts.first { $0.author.id == "alice" })
        // A picture: its file goes with the backup.
        let uploaded = try await alice.uploadMedia(try TestImages.halves(width: 20, height: 20))
        _ = try await alice.createPost(text: "with a picture", media: [MediaAttachment(id: uploaded.id)])
        let picture = try await alice.picture("/api/media/\(uploaded.id)/large")
        let before = try await alice.poll(cursor: nil, timeout: 0)
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent(
            "moments-backup-\(UUID().uuidString)")
        let restored = FileManager.default.temporaryDirectory.appendingPathComponent(
            "moments-restored-\(UUID().uuidString)")
        defer {
            for folder in [backup, restored] { try? FileManager.default.removeItem(at: folder) }
        }

        // Comments go on, one after another, through the whole backup.
        let acknowledged = NIOLockedValueBox<[Int64]>([])
        let writing = Task {
            for n in 0..<100_000 {
                if Task.isCancelled { break }
                let comment = try await bob.comment(postId: post.id, text: "load \(n)")
                acknowledged.withLockedValue { $0.append(comment.id) }
            }
        }
        try await eventually("some writes") { acknowledged.withLockedValue { $0.count >= 20 } ? true : nil }
        let beforeBackup = acknowledged.withLockedValue { $0 }
        let made = try await run(
            try Binaries.path("moments-server"), ["backup", backup.path, "--data-dir", server.dataDir.path])
        #expect(made.status == 0, "\(made.err)")
        #expect(
            made.out.hasPrefix(
                "backed up \(server.dataDir.path) to \(backup.path): moments.sqlite, secret, api-key, 2 picture files"))
        try await eventually("writes after the backup too") {
            acknowledged.withLockedValue { $0.count } > beforeBackup.count + 5 ? true : nil
        }
        writing.cancel()
        _ = try? await writing.value
        server.stop()

        let back = try await run(
            try Binaries.path("moments-server"), ["restore", backup.path, "--data-dir", restored.path])
        #expect(back.status == 0, "\(back.err)")
        let again = try await ServerProcess(dataDir: restored)
        defer { again.stop() }
        // The tokens of the first server still verify: the secret came with the backup.
        let aliceAgain = MomentsAPI(server: again.url, token: try server.token("alice"))
        let kept = Set(try await aliceAgain.post(post.id).comments.map(\.id))
        #expect(beforeBackup.allSatisfy(kept.contains), "\(beforeBackup.filter { !kept.contains($0) })")
        #expect(try await aliceAgain.picture("/api/media/\(uploaded.id)/large") == picture)
        // A cursor and epoch from before the restore: another history.
        let resumed = try await aliceAgain.poll(cursor: before.cursor, epoch: before.epoch, timeout: 0)
        #expect(resumed.gap == true)
        #expect(resumed.epoch != before.epoch)

        // Never over a backup or a store.
        let twice = try await run(
            try Binaries.path("moments-server"), ["backup", backup.path, "--data-dir", restored.path])
        #expect(twice.status != 0 && twice.err.contains("exists: a backup goes into a new directory"))
        let over = try await run(
            try Binaries.path("moments-server"), ["restore", backup.path, "--data-dir", restored.path])
        #expect(over.status != 0 && over.err.contains("is not empty: restore into a new data dir"))
    }
}
