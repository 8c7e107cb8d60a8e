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
