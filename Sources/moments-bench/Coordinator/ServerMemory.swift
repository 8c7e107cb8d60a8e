import Foundation

/// Memory of the server under test from /proc: resident set (RSS) and proportional set (PSS,
/// which shares pages between processes fairly, so nginx's master and workers add up honestly).
struct ServerMemory {
    var rssKB = 0
    var pssKB = 0

    /// The process and all its children (nginx workers), summed.
    static func sample(pid: Int32) -> ServerMemory {
        var memory = ServerMemory()
        for process in [pid] + children(of: pid) {
            guard let rollup = try? String(contentsOfFile: "/proc/\(process)/smaps_rollup", encoding: .utf8) else {
                continue
            }
            for line in rollup.split(separator: "\n") {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
                if fields[0] == "Rss:" { memory.rssKB += kilobytes }
                if fields[0] == "Pss:" { memory.pssKB += kilobytes }
            }
        }
        return memory
    }

    private static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // Fields after the command name: state, ppid, …
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }
}
