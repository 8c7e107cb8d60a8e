/// Sends at a fixed rate whatever the server does: a slow answer never delays the next send
/// (no coordinated omission), and latency is counted from when a message was *due*, so the
/// generator's own lateness shows in the numbers instead of hiding.
enum OpenLoop {
    /// Calls `fire(i, due)` for i in 0..<count, `rate` per second, each in its own task; stops
    /// early when `stop` turns true. Returns how many were fired, after all have finished.
    static func run(
        count: Int, rate: Double, stop: @Sendable () -> Bool = { false },
        fire: @escaping @Sendable (Int, UInt64) async -> Void
    ) async -> Int {
        let interval = 1e9 / rate
        let start = Monotonic.now() + 1_000_000
        var fired = 0
        await withDiscardingTaskGroup { group in
            for index in 0..<count {
                if stop() { break }
                let due = start + UInt64(Double(index) * interval)
                let now = Monotonic.now()
                if due > now + 100_000 { try? await Task.sleep(nanoseconds: due - now) }
                group.addTask { await fire(index, due) }
                fired += 1
            }
        }
        return fired
    }
}
