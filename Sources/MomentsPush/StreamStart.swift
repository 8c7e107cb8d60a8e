import MomentsStore

/// Where a stream or a poll starts, and whether the client's position belongs to what the
/// store keeps (docs/protocol.md, "Gaps"). A gap tells the client to fetch its screens again:
/// - its cursor is below the newest of the user's events retention pruned: some after it are
///   gone; everything kept after it is still delivered;
/// - it is from another history (another epoch, or past the newest id ever given: a restore,
///   a rebuilt database): its cursor means nothing here, so the stream starts from now.
package struct StreamStart: Equatable, Sendable {
    package var cursor: Int64
    package var gap = false
    /// Sent with a gap: the oldest id still kept.
    package var oldest: Int64?

    package init(cursor: Int64, gap: Bool = false, oldest: Int64? = nil) {
        self.cursor = cursor
        self.gap = gap
        self.oldest = oldest
    }

    /// `position` is the user's, read only when the stream starts from now.
    package static func decide(
        requested: Int64?, epoch: String?, position: @autoclosure () async throws -> StreamPosition,
        history: StreamHistory
    ) async rethrows -> StreamStart {
        // The user's own floor: one with nothing pruned never has a gap.
        let oldest = history.userPrunedThrough + 1
        let otherHistory = (epoch.map { $0 != history.epoch } ?? false) || (requested ?? 0) > history.newest
        if otherHistory { return StreamStart(cursor: try await position().cursor, gap: true, oldest: oldest) }
        guard let requested else { return StreamStart(cursor: try await position().cursor) }
        if requested < history.userPrunedThrough {
            return StreamStart(cursor: requested, gap: true, oldest: oldest)
        }
        return StreamStart(cursor: requested)
    }
}
