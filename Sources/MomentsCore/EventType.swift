public enum EventType: String, Codable, Sendable {
    /// Someone liked a post of the recipient.
    case like
    /// Someone took a like back; born read, and it marks the like it retracts as read.
    case unlike
    /// Someone commented on a post of the recipient, or on a post the recipient commented on.
    case comment
    /// A backend service published `data` to the recipient (`POST /api/publish`).
    case custom
    /// A friend's new post, for live feeds: in the stream, never an unread notification.
    case post
}
