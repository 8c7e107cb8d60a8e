/// Exponential backoff with jitter: attempt n waits between half and all of
/// `min(cap, base * 2^n)`, so a crowd of clients does not reconnect in lockstep.
///
/// The cap is low (2 s): a person waiting for a server back from a restart should be back on
/// within two seconds of it, not when a long backoff runs out (round 2 measured 12 s with a
/// 10 s cap). A refused connect costs the server almost nothing, and a returning crowd is
/// spread over the last second of jitter and metered by the connect-rate limit.
public struct ReconnectPolicy: Sendable {
    public var base: Duration
    public var cap: Duration

    public init(base: Duration = .milliseconds(250), cap: Duration = .seconds(2)) {
        self.base = base
        self.cap = cap
    }

    public func ceiling(forAttempt attempt: Int) -> Duration {
        let factor = 1 << min(max(attempt, 0), 20)
        return min(cap, base * factor)
    }

    public func delay(forAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(forAttempt: attempt)
        let fraction = Double(generator.next() >> 11) / Double(1 << 53)  // uniform in [0, 1)
        return ceiling / 2 + ceiling / 2 * fraction
    }

    public func delay(forAttempt attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(forAttempt: attempt, using: &generator)
    }
}
