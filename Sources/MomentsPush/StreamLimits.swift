import NIOCore

/// The bounds every push transport shares.
package struct StreamLimits: Sendable {
    /// Events one connection may fall behind before it is closed to resume later.
    package var capacity: Int

    package init(capacity: Int) { self.capacity = capacity }
    /// Backlog events read per store query when a stream (re)starts.
    package static let replayPage = 500
    /// A reader `capacity` behind gets this long to take the closing words (4013, `event: end`);
    /// a peer that reads nothing at all blocks those writes, so its connection is then cut.
    package static let overflowGrace: TimeAmount = .seconds(2)
}
