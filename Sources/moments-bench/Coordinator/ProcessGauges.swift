import Foundation

/// What a slow leak shows in: the server's resident memory, open file descriptors and threads,
/// from /proc.
struct ProcessGauges: Encodable {
    let seconds: Double
    let rssKB: Int
    let openFiles: Int
    let threads: Int

    static func sample(pid: Int32, at seconds: Double) -> ProcessGauges {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd"))?.count ?? 0
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let threads = status.split(separator: "\n").first { $0.hasPrefix("Threads:") }
            .flatMap { Int($0.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) }
        return ProcessGauges(
            seconds: seconds, rssKB: ServerMemory.sample(pid: pid).rssKB, openFiles: files, threads: threads ?? 0)
    }
}
