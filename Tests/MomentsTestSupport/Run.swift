import Foundation

/// Runs a command to completion; answers its exit status, stdout and stderr.
@discardableResult
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws
    -> (status: Int32, out: String, err: String)
{
    let files = OutputFiles()
    let child = try Child(executable, arguments, environment: environment, stdout: files.out, stderr: files.err)
    return files.collect(status: try await child.exit())
}

/// `run` for commands that end at once (tmux, pgrep), from synchronous code.
@discardableResult
func runQuick(_ executable: String, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let files = OutputFiles()
    let child = try Child(executable, arguments, stdout: files.out, stderr: files.err)
    return files.collect(status: child.wait())
}

/// Where a child's output goes, read back (and removed) once it has exited.
private struct OutputFiles {
    let out: String
    let err: String

    init() {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("moments-run-\(UUID().uuidString)")
            .path
        out = base + ".out"
        err = base + ".err"
    }

    func collect(status: Int32) -> (status: Int32, out: String, err: String) {
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return (
            status, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
            (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        )
    }
}
