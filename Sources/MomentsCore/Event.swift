import Foundation

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

/// One entry of a user's durable, ordered event stream: what every push transport delivers.
///
/// `id` is store-wide and strictly increasing: it is the resume cursor.
public struct Event: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var type: EventType
    /// Who did it; absent on `custom` events.
    public var actor: UserSummary?
    /// The post it is about; absent on `custom` events.
    public var postId: Int64?
    /// The start of the post's text, so a client can say which post without fetching it.
    public var postExcerpt: String?
    /// The comment's text, for `comment` events.
    public var text: String?
    public var commentId: Int64?
    /// What a `custom` event carries: the publisher's JSON, as given.
    public var data: JSONValue?
    public var createdAt: Date
    /// The recipient's unread count when this frame was produced.
    public var unread: Int

    public init(
        id: Int64, type: EventType, actor: UserSummary?, postId: Int64?, postExcerpt: String?,
        text: String? = nil, commentId: Int64? = nil, data: JSONValue? = nil, createdAt: Date, unread: Int
    ) {
        self.id = id
        self.type = type
        self.actor = actor
        self.postId = postId
        self.postExcerpt = postExcerpt
        self.text = text
        self.commentId = commentId
        self.data = data
        self.createdAt = createdAt
        self.unread = unread
    }
}

/// An event as the notifications list shows it: the event's fields plus `read`, flat.
public struct NotificationEntry: Codable, Sendable, Equatable, Identifiable {
    public var event: Event
    public var read: Bool
    public var id: Int64 { event.id }

    public init(event: Event, read: Bool) {
        self.event = event
        self.read = read
    }

    private enum CodingKeys: String, CodingKey { case read }

    public init(from decoder: any Decoder) throws {
        event = try Event(from: decoder)
        read = try decoder.container(keyedBy: CodingKeys.self).decode(Bool.self, forKey: .read)
    }

    public func encode(to encoder: any Encoder) throws {
        try event.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(read, forKey: .read)
    }
}

/// `GET /api/notifications`.
public struct NotificationPage: Codable, Sendable, Equatable {
    public var notifications: [NotificationEntry]
    public var unread: Int
    /// The id of the user's newest event (0 if none): open a push connection with it.
    public var cursor: Int64

    public init(notifications: [NotificationEntry], unread: Int, cursor: Int64) {
        self.notifications = notifications
        self.unread = unread
        self.cursor = cursor
    }
}

/// `POST /api/notifications/read` body.
public struct MarkReadBody: Codable, Sendable {
    public var upTo: Int64
    public init(upTo: Int64) { self.upTo = upTo }
}

/// `POST /api/notifications/read` answer.
public struct UnreadCount: Codable, Sendable, Equatable {
    public var unread: Int
    public init(unread: Int) { self.unread = unread }
}

/// `GET /api/poll` answer.
public struct PollResult: Codable, Sendable, Equatable {
    public var events: [Event]
    /// Pass back as `cursor` on the next poll.
    public var cursor: Int64
    public var unread: Int

    public init(events: [Event], cursor: Int64, unread: Int) {
        self.events = events
        self.cursor = cursor
        self.unread = unread
    }

    /// Events of types this client does not know are left out (the protocol says to ignore
    /// them); `cursor` still moves past them, so a poll never asks for them again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        events = try container.decode([Lenient].self, forKey: .events).compactMap(\.event)
        cursor = try container.decode(Int64.self, forKey: .cursor)
        unread = try container.decode(Int.self, forKey: .unread)
    }

    private struct Lenient: Decodable {
        let event: Event?
        init(from decoder: any Decoder) throws { event = try? Event(from: decoder) }
    }
}

/// Just where a pushed frame sits in the stream: enough to step over an event of a type this
/// client does not know without losing its place.
public struct StreamMark: Decodable, Sendable, Equatable {
    public var id: Int64
    public var type: String
}

/// The first WebSocket frame after the upgrade.
public struct Hello: Codable, Sendable, Equatable {
    public var type: String = "hello"
    public var user: UserSummary
    public var unread: Int
    /// The stream starts after this id.
    public var cursor: Int64

    public init(user: UserSummary, unread: Int, cursor: Int64) {
        self.user = user
        self.unread = unread
        self.cursor = cursor
    }
}
