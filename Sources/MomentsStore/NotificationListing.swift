/// A page of `GET /api/notifications` as the store reads it: newest first, `post` events left out.
public struct NotificationListing: Sendable {
    public var notifications: [StoredEvent]
    public var position: StreamPosition
}
