/// What the servers spend with every socket held and nothing sent (keep-alive pings, timers,
/// PostgreSQL's housekeeping), measured in the same run. It is no message's cost: a phase's
/// CPU per 1,000 messages is also reported with this share of its wall time taken out.
struct IdleCPU {
    let serverPercent: Double?
    let postgresPercent: Double?

    static func measure(_ session: Session, seconds: Double) async throws -> IdleCPU {
        let mark = session.cpuMark()
        try await Task.sleep(for: .seconds(seconds))
        let cost = mark.cost(until: session.cpuMark(), count: 0)
        return IdleCPU(serverPercent: cost.serverPercent, postgresPercent: cost.postgresPercent)
    }

    func add(into report: inout Report) {
        if let serverPercent { report.add("idle_server_cpu_percent", serverPercent) }
        if let postgresPercent { report.add("idle_postgres_cpu_percent", postgresPercent) }
    }

    /// Beside each CPU per 1,000 of `report`, the same less the idle cost over the phase's
    /// wall time: total × (1 − idle % ÷ the phase's %), the phase's % being over that time.
    func subtract(from report: inout Report) {
        let figures = [
            ("server_cpu_ms_per_1000", "server_cpu_percent", serverPercent, "server_work_cpu_ms_per_1000"),
            ("postgres_cpu_ms_per_1000", "postgres_cpu_percent", postgresPercent, "postgres_work_cpu_ms_per_1000"),
            ("kept_up_cpu_ms_per_1000", "kept_up_server_cpu_percent", serverPercent, "kept_up_work_cpu_ms_per_1000"),
            (
                "kept_up_postgres_cpu_ms_per_1000", "kept_up_postgres_cpu_percent", postgresPercent,
                "kept_up_postgres_work_cpu_ms_per_1000"
            ),
        ]
        for (perThousand, percent, idle, work) in figures {
            guard let idle, let total = report.value(perThousand), let phase = report.value(percent), phase > 0
            else { continue }
            report.add(work, max(0, total * (1 - idle / phase)))
        }
    }
}
