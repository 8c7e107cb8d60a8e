extension Duration {
    /// The duration as a number of seconds, for arithmetic (token buckets, backoff, headers).
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
