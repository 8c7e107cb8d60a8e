import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A process and its direct children, as /proc lists them: nginx's master has its workers as
/// children, the generator its worker processes, so both are measured whole.
enum ProcessTree {
    static func members(of root: Int32) -> [Int32] {
        [root] + children(of: root)
    }

    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let fields = statFields(of: pid) else { return nil }
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }

    /// /proc/PID/stat after the command name (which may hold spaces and parentheses, so the
    /// split starts after the last ")"): index 0 is field 3 (state), index 1 field 4 (ppid), ….
    static func statFields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}

/// CPU time (user + system) used so far by a process tree, in seconds. Differences between
/// two samples give the CPU a phase cost; /proc counts in clock ticks (10 ms here), fine for
/// phases of a second or more.
enum ProcessCPU {
    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// utime and stime, fields 14 and 15 of /proc/PID/stat, summed over the process and its
    /// children, plus the root's cutime and cstime (fields 16 and 17: what its children that
    /// have exited used, once it has reaped them: PostgreSQL's backends come and go with the
    /// nodes' pools); nil once the process is gone.
    static func seconds(of root: Int32) -> Double? {
        guard let rootFields = ProcessTree.statFields(of: root), rootFields.count > 14,
            let reapedUser = Int(rootFields[13]), let reapedSystem = Int(rootFields[14])
        else { return nil }
        var ticks = reapedUser + reapedSystem
        for pid in ProcessTree.members(of: root) {
            guard let fields = ProcessTree.statFields(of: pid), fields.count > 12, let user = Int(fields[11]),
                let system = Int(fields[12])
            else { continue }
            ticks += user + system
        }
        return Double(ticks) / ticksPerSecond
    }
}

/// A point in time with the CPU both sides had used by then; two marks bracket a phase.
struct CPUMark {
    let at: UInt64
    /// Per server process (every node of a cluster); a node killed in between drops out.
    let servers: [Int32: Double]
    let postgres: Double?
    let generator: Double

    static func now(servers: [Int32], postgres: Int32?) -> CPUMark {
        CPUMark(
            at: Monotonic.now(),
            servers: Dictionary(
                uniqueKeysWithValues: servers.compactMap { pid in ProcessCPU.seconds(of: pid).map { (pid, $0) } }),
            postgres: postgres.flatMap(ProcessCPU.seconds), generator: ProcessCPU.seconds(of: getpid()) ?? 0)
    }

    /// What the phase since `self` cost, with `count` units of work (messages, likes, wake-ups,
    /// connections) done in it.
    func cost(until end: CPUMark, count: Int) -> CPUCost {
        let wall = Double(end.at &- at) / 1e9
        let alive = servers.keys.filter { end.servers[$0] != nil }
        let server = alive.isEmpty ? nil : alive.reduce(0) { $0 + end.servers[$1]! - servers[$1]! }
        let postgres = end.postgres.flatMap { end in self.postgres.map { end - $0 } }
        func perThousand(_ seconds: Double?) -> Double? {
            seconds.flatMap { count > 0 ? $0 * 1000 / (Double(count) / 1000) : nil }
        }
        func percent(_ seconds: Double?) -> Double? { seconds.flatMap { wall > 0 ? $0 / wall * 100 : nil } }
        return CPUCost(
            serverMsPer1000: perThousand(server), serverPercent: percent(server),
            postgresMsPer1000: perThousand(postgres), postgresPercent: percent(postgres),
            generatorPercent: percent(end.generator - generator) ?? 0)
    }
}

/// CPU over a measured phase. Percent is of one core: on 2 cores the machine has 200. A
/// cluster's server figures are all its nodes together; PostgreSQL's are apart.
struct CPUCost {
    let serverMsPer1000: Double?
    let serverPercent: Double?
    let postgresMsPer1000: Double?
    let postgresPercent: Double?
    let generatorPercent: Double

    func add(into report: inout Report) {
        if let serverMsPer1000 { report.add("server_cpu_ms_per_1000", serverMsPer1000) }
        if let serverPercent { report.add("server_cpu_percent", serverPercent) }
        if let postgresMsPer1000 { report.add("postgres_cpu_ms_per_1000", postgresMsPer1000) }
        if let postgresPercent { report.add("postgres_cpu_percent", postgresPercent) }
        report.add("generator_cpu_percent", generatorPercent)
    }
}
