import Foundation
import Logging
import MomentsStore
import ServiceLifecycle

/// Bounded history (`--event-retention`): events older than the retention are deleted from the
/// front of the stream, at least once a minute, in batches of a short transaction each, so
/// the writer is never held for long. Clients whose cursor falls behind what is kept are told
/// so (`StreamStart`'s gap) and fetch their screens again.
struct EventRetention: Service {
    let store: any MomentsStore
    let retention: Duration
    let metrics: ServerMetrics
    let logger: Logger
    /// The clock pruning judges age by (tests move it).
    var now: @Sendable () -> Date = { Date() }

    /// Batches are sized so one holds the writer about `batchTime`: a write arriving behind
    /// one waits no longer than that (500 events a batch held it 20–40 ms here, and unicast's
    /// p99 doubled beside a pruned backlog: docs/benchmarks.md, "Retention").
    static let batch = 500
    static let smallestBatch = 10
    static let batchTime: Duration = .milliseconds(2)
    /// A pause between batches, so writes waiting for the writer go first: at least this, and
    /// at least `yield` times as long as the batch took, so pruning a backlog takes at most a
    /// quarter of the writer's time however slow the disk.
    static let breather: Duration = .milliseconds(5)
    static let yield = 3

    /// Often enough that nothing outlives the retention by much, at most a minute apart.
    var interval: Duration { max(.seconds(1), min(.seconds(60), retention / 4)) }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await pruneExpired()
            } catch {
                logger.warning(
                    "pruning expired events failed; next try in \(interval)", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }

    /// Every event older than the retention, batch by batch; answers how many went.
    func pruneExpired() async throws -> Int {
        let cutoff = now().addingTimeInterval(-Double(retention.components.seconds))
        var total = 0
        let clock = ContinuousClock()
        var size = Self.batch
        while !Task.isShuttingDownGracefully {
            let start = clock.now
            let deleted = try await store.pruneEvents(olderThan: cutoff, limit: size)
            let took = clock.now - start
            total += deleted
            metrics.pruned(deleted)
            if deleted < size { break }
            size = Self.nextBatch(after: size, took: took)
            try await Task.sleep(for: max(Self.breather, took * Self.yield))
        }
        return total
    }

    /// Halved while a batch takes longer than `batchTime`, doubled while it takes under half.
    static func nextBatch(after size: Int, took: Duration) -> Int {
        if took > batchTime { return max(smallestBatch, size / 2) }
        if took < batchTime / 2 { return min(batch, size * 2) }
        return size
    }
}
