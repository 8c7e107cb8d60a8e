import Foundation

/// Memory of the server under test from /proc: resident set (RSS) and proportional set (PSS,
/// which shares pages between processes fairly, so nginx's master and workers add up honestly).
struct ServerMemory {
    var rssKB = 0
    var pssKB = 0

    /// The process and all its children (nginx workers), summed.
    static func sample(pid: Int32) -> ServerMemory {
        var memory = ServerMemory()
        for process in ProcessTree.members(of: pid) {
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
}
