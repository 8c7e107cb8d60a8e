/// Which history a stream position belongs to, and how much of it is still kept: what a
/// resuming client's cursor is checked against (docs/protocol.md, "Gaps").
public struct StreamHistory: Sendable, Equatable {
    /// Made when the store was created (or restored): a cursor from another epoch is from
    /// another history.
    public var epoch: String
    /// Events up to this id have been pruned, store-wide (ids are store-wide); 0 when none.
    public var prunedThrough: Int64
    /// The newest of the user's own events pruned: a cursor below it missed some of theirs
    /// (a user with nothing pruned never has a gap, however far the store has pruned).
    public var userPrunedThrough: Int64
    /// The newest id the store has given.
    public var newest: Int64

    public init(epoch: String, prunedThrough: Int64, userPrunedThrough: Int64 = 0, newest: Int64) {
        self.epoch = epoch
        self.prunedThrough = prunedThrough
        self.userPrunedThrough = userPrunedThrough
        self.newest = newest
    }
}
