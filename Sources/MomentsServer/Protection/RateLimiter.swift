import NIOConcurrencyHelpers

/// Token buckets by key: `rate` tokens a second, up to `burst` saved up.
final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = NIOLockedValueBox<[String: TokenBucket]>([:])

    init(perSecond rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(1, rate * 3)
    }

    /// Takes a token for `key`; nil when allowed, else how long until one is available.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLockedValue { buckets in
            if buckets.count > 50_000 { Self.forgetFull(&buckets, now: now, rate: rate, burst: burst) }
            var bucket = buckets[key] ?? TokenBucket(burst: burst, now: now)
            defer { buckets[key] = bucket }
            return bucket.take(now: now, rate: rate, burst: burst)
        }
    }

    /// Keys whose bucket has refilled are the same as absent: drop them, so memory stays bounded.
    private static func forgetFull(
        _ buckets: inout [String: TokenBucket], now: ContinuousClock.Instant, rate: Double, burst: Double
    ) {
        buckets = buckets.filter { _, bucket in bucket.tokens + (now - bucket.updated).seconds * rate < burst }
    }
}

/// One key's bucket, as a value: a WebSocket keeps its own flood bucket without a lock.
struct TokenBucket {
    var tokens: Double
    var updated: ContinuousClock.Instant

    init(burst: Double, now: ContinuousClock.Instant) {
        tokens = burst
        updated = now
    }

    /// Takes a token; nil when allowed, else how long until one is available.
    mutating func take(now: ContinuousClock.Instant, rate: Double, burst: Double) -> Duration? {
        tokens = min(burst, tokens + (now - updated).seconds * rate)
        updated = now
        guard tokens >= 1 else { return .seconds((1 - tokens) / rate) }
        tokens -= 1
        return nil
    }
}

extension APIError {
    static func rateLimited(_ wait: Duration, _ what: String) -> APIError {
        var error = APIError(.tooManyRequests, "rate_limited", "too many \(what): retry later")
        error.headers[.retryAfter] = String(max(1, Int(wait.seconds.rounded(.up))))
        return error
    }
}
