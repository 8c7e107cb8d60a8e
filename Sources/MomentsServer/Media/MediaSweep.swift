import Foundation
import Logging
import MomentsStore
import ServiceLifecycle

/// Uploads no post took are removed once older than `MediaOptions.unattachedAge`, with the
/// pictures of posts an older node deleted; the bytes go once nothing names them.
struct MediaSweep: Service {
    let store: any MomentsStore
    let age: Duration
    let metrics: ServerMetrics
    let logger: Logger

    /// An hour apart at most; a short age (tests) sweeps as often as a quarter of it.
    var interval: Duration { max(.seconds(1), min(.seconds(3600), age / 4)) }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let cutoff = Date().addingTimeInterval(
                    -Double(age.components.seconds) - Double(age.components.attoseconds) / 1e18)
                metrics.sweptMedia(try await store.sweepMedia(unattachedBefore: cutoff))
            } catch {
                logger.warning("sweeping pictures failed; next try in \(interval)", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
