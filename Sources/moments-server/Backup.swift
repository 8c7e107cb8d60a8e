import ArgumentParser
import Foundation
import MomentsServer

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the embedded store, with its token secret and publish key, while the server runs.",
        discussion: "DEST must not exist. PostgreSQL: use pg_dump (docs/operations.md).")

    @Argument(help: "A new directory for the backup.") var destination: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        guard try data.postgresAddress == nil else {
            throw ValidationError("the store is PostgreSQL: back it up with pg_dump (docs/operations.md)")
        }
        let summary = try DataDirBackup.backup(dataDir: data.url, to: URL(fileURLWithPath: destination))
        print(
            "backed up \(data.dataDir) to \(destination): \(summary.files.joined(separator: ", ")), \(summary.bytes) bytes, events through \(summary.newestEvent)"
        )
    }
}
