import MomentsCore

/// A page of `GET /api/notifications` as the stores read it. Like a `Delivery`, a `custom`
/// event keeps its `data` as the text it was published as, so the list answers the same bytes
/// the streams pushed (decoding it into `JSONValue` and back turned `1.0` into `1`, lost the
/// digits of big integers and dropped `1e400`).
public struct NotificationListing: Sendable {
    public struct Entry: Sendable {
        /// `event.data` is left empty: the data is `data`.
        public var event: Event
        public var data: String?
        public var read: Bool
        public var id: Int64 { event.id }
    }

    public var notifications: [Entry]
    public var unread: Int
    /// The id of the user's newest event (0 if none).
    public var cursor: Int64
}
