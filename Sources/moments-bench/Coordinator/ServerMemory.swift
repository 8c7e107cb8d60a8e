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

    /// Memory per connection from samples before and after connecting (one per node, the
    /// connections spread evenly over them); the RSS figure is the nodes' total.
    static func report(before: [ServerMemory], after: [ServerMemory], connections: Int, into report: inout Report) {
        guard !before.isEmpty, before.count == after.count else { return }
        let rss = after.reduce(0) { $0 + $1.rssKB }
        let grown = zip(before, after).reduce((rss: 0, pss: 0)) {
            ($0.rss + $1.1.rssKB - $1.0.rssKB, $0.pss + $1.1.pssKB - $1.0.pssKB)
        }
        report.add("server_rss_mb", Double(rss) / 1024)
        report.add("rss_kb_per_connection", Double(grown.rss) / Double(connections))
        report.add("pss_kb_per_connection", Double(grown.pss) / Double(connections))
    }
}
