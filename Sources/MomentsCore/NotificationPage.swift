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
