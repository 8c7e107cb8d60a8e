/// `GET /api/poll` answer.
public struct PollResult: Codable, Sendable, Equatable {
    public var events: [Event]
    /// Pass back as `cursor` on the next poll.
    public var cursor: Int64
    public var unread: Int
    /// As in `Hello`: the history, and whether the cursor asked from was outside what is kept.
    public var epoch: String?
    public var gap: Bool?
    public var oldest: Int64?
    /// The answer's `Retry-After` (a draining node's hint), read by `MomentsAPI`; not in the body.
    public var retryAfter: Duration?

    /// The key under which a decoder's `userInfo` carries the answer's `Retry-After` seconds.
    public static let retryAfterKey = CodingUserInfoKey(rawValue: "moments.retryAfter")!

    private enum CodingKeys: String, CodingKey {
        case events, cursor, unread, epoch, gap, oldest
    }

    public init(
        events: [Event], cursor: Int64, unread: Int, epoch: String? = nil, gap: Bool? = nil, oldest: Int64? = nil
    ) {
        self.events = events
        self.cursor = cursor
        self.unread = unread
        self.epoch = epoch
        self.gap = gap
        self.oldest = oldest
    }

    /// Events of types this client does not know are left out (the protocol says to ignore
    /// them); `cursor` still moves past them, so a poll never asks for them again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        events = try container.decode([Lenient].self, forKey: .events).compactMap(\.event)
        cursor = try container.decode(Int64.self, forKey: .cursor)
        unread = try container.decode(Int.self, forKey: .unread)
        epoch = try container.decodeIfPresent(String.self, forKey: .epoch)
        gap = try container.decodeIfPresent(Bool.self, forKey: .gap)
        oldest = try container.decodeIfPresent(Int64.self, forKey: .oldest)
        retryAfter = (decoder.userInfo[Self.retryAfterKey] as? Int).map { .seconds($0) }
    }

    private struct Lenient: Decodable {
        let event: Event?
        init(from decoder: any Decoder) throws { event = try? Event(from: decoder) }
    }
}
