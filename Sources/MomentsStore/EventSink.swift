/// Where committed events go, in commit order: the node's push hub.
public protocol EventSink: Sendable {
    func publish(_ events: [StoredEvent])
    /// Whether anyone on this node listens to `user`: the cross-node feed reads no others.
    func listens(to user: String) -> Bool
    /// Events may have passed this node by (its cross-node feed was deaf): every listener
    /// reads the store again from its cursor.
    func resync()
}

extension EventSink {
    // A sink with no notion of listeners (a test's) takes every event.
    public func listens(to user: String) -> Bool { true }
    public func resync() {}
}
