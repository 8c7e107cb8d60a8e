import Foundation

/// The package's built executables (scripts/test builds them before running the tests).
enum Binaries {
    static let directory: URL = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug")
    }()

    /// The shell command that runs moments-tui as `token`'s user against `server`, with `options`.
    static func tui(token: String, server: URL, _ options: String = "") throws -> String {
        "\(try path("moments-tui")) --token \(token) --server \(server.absoluteString)"
            + (options.isEmpty ? "" : " " + options)
    }

    static func path(_ name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestFailure("\(url.path) is missing: run `swift build` first (scripts/test does)")
        }
        return url.path
    }
}
