import Foundation
import NIOCore

/// How many times slower than a plain debug build this run may execute. scripts/sanitize sets
/// `MOMENTS_TEST_SLOWDOWN`: a sanitizer slows code unevenly (the whole suite only by half again
/// under ThreadSanitizer here, but a burst of TLS handshakes or PostgreSQL connects many times
/// over), and every real-time bound a test sets — how long it waits, and each server deadline
/// it provokes on purpose — stretches by it, so a sanitizer run fails on what it finds, not on
/// the clock.
let slowdown: Int = {
    guard let text = ProcessInfo.processInfo.environment["MOMENTS_TEST_SLOWDOWN"] else { return 1 }
    return max(1, Int(text) ?? 1)
}()

extension Duration {
    /// This bound, stretched by the run's `slowdown`.
    public var stretched: Duration { self * slowdown }
}

extension TimeAmount {
    /// This bound (as NIO and AsyncHTTPClient take it), stretched by the run's `slowdown`.
    public var stretched: TimeAmount { self * Int64(slowdown) }
}
