import Foundation

/// How a running node was started, read from /proc, so a scenario can stop it and start it
/// again as it was (a rolling restart), with its `--drain-seconds` changed if asked.
struct NodeCommand {
    let executable: String
    let arguments: [String]
    let environment: [String: String]

    /// The command line and environment of `pid` (a process of this user).
    init(of pid: Int32) throws {
        func fields(_ name: String) throws -> [String] {
            let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/\(name)"))
            return data.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
        }
        let argv = try fields("cmdline")
        guard let first = argv.first else { throw BenchError("process \(pid) has no command line (gone?)") }
        executable = first
        arguments = Array(argv.dropFirst())
        environment = Dictionary(
            try fields("environ").compactMap { entry -> (String, String)? in
                guard let equals = entry.firstIndex(of: "=") else { return nil }
                return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
            }, uniquingKeysWith: { $1 })
    }

    /// The same arguments with `--drain-seconds` set to `seconds`.
    func arguments(drainSeconds seconds: Int) -> [String] {
        var result = arguments
        if let flag = result.firstIndex(of: "--drain-seconds"), flag + 1 < result.count {
            result.remove(at: flag + 1)
            result.remove(at: flag)
        }
        return result + ["--drain-seconds", String(seconds)]
    }

    /// The value of `--flag` in the arguments.
    func value(of flag: String) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    /// Until `pid` has exited (gone from /proc, or a zombie waiting for its parent).
    static func waitForExit(of pid: Int32, seconds: Double) async throws {
        let deadline = Monotonic.now() + UInt64(seconds * 1e9)
        while let fields = ProcessTree.statFields(of: pid), fields.first != "Z" {
            guard Monotonic.now() < deadline else { throw BenchError("node \(pid) did not stop within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
