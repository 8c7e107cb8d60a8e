import AsyncHTTPClient
import Foundation

/// A process the suite starts (a server, a populate, a scenario), its output in a file.
final class Child: @unchecked Sendable {
    let process = Process()
    let output: URL

    /// Starts `executable` with `arguments`; stdout and stderr go to `output`.
    init(_ executable: String, _ arguments: [String], output: URL, environment: [String: String] = [:]) throws {
        self.output = output
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let file = try FileHandle(forWritingTo: output)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = file
        process.standardError = file
        try process.run()
        RunningChildren.add(process.processIdentifier)
        try file.close()
    }

    var pid: Int32 { process.processIdentifier }

    var text: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Waits for the exit without holding a thread; answers the exit status.
    func exit() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
        RunningChildren.remove(pid)
        return process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if it is still running `grace` later.
    func stop(grace: Duration = .seconds(10)) async {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(pid, SIGKILL) }
        _ = await exit()
    }

    /// Runs a command to its end: its exit status and output.
    static func run(
        _ executable: String, _ arguments: [String], output: URL, environment: [String: String] = [:]
    ) async throws -> (status: Int32, text: String) {
        let child = try Child(executable, arguments, output: output, environment: environment)
        let status = await child.exit()
        return (status, child.text)
    }

    /// Like `run`, failing with the command's output unless it exits 0.
    @discardableResult
    static func succeed(
        _ executable: String, _ arguments: [String], output: URL, environment: [String: String] = [:]
    ) async throws -> String {
        let (status, text) = try await run(executable, arguments, output: output, environment: environment)
        guard status == 0 else {
            let name = URL(fileURLWithPath: executable).lastPathComponent
            throw BenchError("\(name) \(arguments.joined(separator: " ")) exited \(status): \(text)")
        }
        return text
    }

    /// Until `url` answers (any status, or with `success` a 2xx), every 0.1 s for `seconds`;
    /// fails early if this process has exited.
    func waitUntilAnswering(_ url: String, success: Bool = false, seconds: Int = 30) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw BenchError("\(url)'s server exited: \(text)") }
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2)),
                !success || (200..<300).contains(response.status.code)
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("\(url) did not answer within \(seconds) s")
    }
}
