import ArgumentParser
import Foundation
import MomentsServer

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a new data dir from a backup, with a new epoch (clients fetch their screens again).",
        discussion: "--data-dir must be absent or empty; the server must not be running on it.")

    @Argument(help: "A directory `moments-server backup` made.") var source: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        guard try data.postgresAddress == nil else {
            throw ValidationError("the store is PostgreSQL: restore it with pg_restore (docs/operations.md)")
        }
        let summary = try DataDirBackup.restore(from: URL(fileURLWithPath: source), to: data.url)
        print(
            "restored \(source) into \(data.dataDir): \(summary.files.joined(separator: ", ")), events through \(summary.newestEvent), a new epoch"
        )
    }
}
