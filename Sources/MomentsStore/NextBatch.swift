/// What the next group commit takes from its queue, for both stores: oldest first, up to `cap`
/// events, and always at least one write (a broadcast bigger than the cap goes alone).
enum NextBatch {
    /// Events a batch holds at most: see `GroupCommit` for why big writes are kept apart.
    static let cap = 1_000

    static func take<Job>(from waiting: inout [Job], events: (Job) -> Int) -> [Job] {
        var count = 0
        var total = 0
        for job in waiting {
            guard count == 0 || total + events(job) <= cap else { break }
            count += 1
            total += events(job)
        }
        defer { waiting.removeFirst(count) }
        return Array(waiting.prefix(count))
    }
}
