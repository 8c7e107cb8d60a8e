import Foundation

/// The generator processes of one scenario run.
struct WorkerPool: Sendable {
    let workers: [WorkerProcess]

    /// Starts `count` workers over `users`; when there are more sockets than one source address
    /// has ephemeral ports, each worker connects from its own loopback address (127.0.0.2, …).
    static func start(count: Int, options: CommonOptions) throws -> WorkerPool {
        let sourceAddresses = options.connections > 20_000
        let workers = try (0..<count).map { index in
            var arguments = [
                "worker", "--target", options.target.rawValue, "--url", options.url.argument,
                "--users", String(options.connections), "--index", String(index), "--of", String(count),
            ]
            if let file = options.usersFile { arguments += ["--users-file", file] }
            if sourceAddresses { arguments += ["--source-address", "127.0.0.\(2 + index)"] }
            return try WorkerProcess(arguments: arguments)
        }
        return WorkerPool(workers: workers)
    }

    /// Sends one command to every worker at once and gathers their replies.
    func request(_ kind: WorkerCommand.Kind, since: UInt64? = nil) async throws -> [WorkerReply] {
        try await withThrowingTaskGroup(of: WorkerReply.self) { group in
            for worker in workers { group.addTask { try await worker.request(kind, since: since) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func stop() {
        for worker in workers { worker.stop() }
    }
}

/// One `moments-bench worker` child and its pipes. Requests to one worker are sequential.
final class WorkerProcess: Sendable {
    private let process: Process
    private let input: FileHandle
    private let replies: LineQueue

    init(arguments: [String]) throws {
        let stdin = Pipe()
        let stdout = Pipe()
        let process = Process()
        process.executableURL = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        self.process = process
        input = stdin.fileHandleForWriting
        replies = LineQueue(reading: stdout.fileHandleForReading)
    }

    func request(_ kind: WorkerCommand.Kind, since: UInt64? = nil) async throws -> WorkerReply {
        let command = WorkerCommand(kind: kind, since: since)
        try input.write(contentsOf: JSONEncoder().encode(command) + Data("\n".utf8))
        guard let line = await replies.next() else {
            throw BenchError("a worker exited (status \(process.terminationStatus))")
        }
        return try JSONDecoder().decode(WorkerReply.self, from: Data(line.utf8))
    }

    func stop() {
        // A worker that already exited has closed its end: nothing to tell it.
        try? input.write(contentsOf: JSONEncoder().encode(WorkerCommand(kind: .quit)) + Data("\n".utf8))
        try? input.close()
        process.waitUntilExit()
    }
}
