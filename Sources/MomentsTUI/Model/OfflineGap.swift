import Foundation
import MomentsClient

/// A time the push connection was down, and where the feed and the notifications stood when it
/// went: after it, the lines above what arrived meanwhile say so ("offline 14:02–14:37 · 12 new").
public struct OfflineGap: Equatable, Sendable {
    /// Shorter drops (a blip, a server restart) are not worth a line.
    public static let worthTelling: TimeInterval = 10

    public var from: Date
    public var to: Date
    /// The newest event and post seen before the drop.
    public var lastEventId: Int64
    public var lastPostId: Int64

    public init(from: Date, to: Date, lastEventId: Int64, lastPostId: Int64) {
        self.from = from
        self.to = to
        self.lastEventId = lastEventId
        self.lastPostId = lastPostId
    }
}

/// When the connection went down, and what had been seen by then.
public struct Outage: Equatable, Sendable {
    public var since: Date
    public var lastEventId: Int64
    public var lastPostId: Int64
}

extension AppState {
    /// Follows the connection: a drop starts an outage, getting back ends it, as a gap worth a
    /// line when it lasted.
    mutating func track(_ state: ConnectionState) {
        let online = state == .webSocket || state == .longPolling
        if online {
            if let outage, now.timeIntervalSince(outage.since) >= OfflineGap.worthTelling {
                gap = OfflineGap(
                    from: outage.since, to: now, lastEventId: outage.lastEventId, lastPostId: outage.lastPostId)
            }
            outage = nil
        } else if outage == nil, connection == .webSocket || connection == .longPolling || stale {
            outage = Outage(since: now, lastEventId: newestEventId, lastPostId: posts.map(\.id).max() ?? 0)
        }
    }
}
