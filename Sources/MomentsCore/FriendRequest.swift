import Foundation

/// A request to become friends, as one side sees it: the addressee is told `from`, the sender
/// `to`.
public struct FriendRequest: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var from: UserSummary?
    public var to: UserSummary?
    public var note: String
    public var createdAt: Date

    public init(id: Int64, from: UserSummary? = nil, to: UserSummary? = nil, note: String, createdAt: Date) {
        self.id = id
        self.from = from
        self.to = to
        self.note = note
        self.createdAt = createdAt
    }
}

/// `GET /api/friends/requests`: the pending requests to and from the caller, newest first.
public struct FriendRequests: Codable, Sendable, Equatable {
    public var incoming: [FriendRequest]
    public var outgoing: [FriendRequest]

    public init(incoming: [FriendRequest], outgoing: [FriendRequest]) {
        self.incoming = incoming
        self.outgoing = outgoing
    }
}

/// What sending a friend request did: sent it, or (the other side had asked first) made the
/// two friends. On the wire: the request (201), or `{"friends": true}` (200).
public enum FriendRequestOutcome: Sendable, Equatable, Decodable {
    case sent(FriendRequest)
    case befriended

    public init(from decoder: any Decoder) throws {
        if let answer = try? FriendsAnswer(from: decoder), answer.friends {
            self = .befriended
        } else {
            self = .sent(try FriendRequest(from: decoder))
        }
    }
}

/// The answer to accepting, declining or ending: whether the two are friends now.
public struct FriendsAnswer: Codable, Sendable, Equatable {
    public var friends: Bool
    public init(friends: Bool) { self.friends = friends }
}

/// `GET /api/friends`.
public struct FriendList: Codable, Sendable, Equatable {
    public var friends: [UserSummary]
    public init(friends: [UserSummary]) { self.friends = friends }
}

/// Body of `POST /api/friends/requests`.
public struct FriendRequestBody: Codable, Sendable {
    public var to: String
    public var note: String?
    public init(to: String, note: String? = nil) {
        self.to = to
        self.note = note
    }
}

/// Body of `POST /api/posts`: the text and, when not all friends, the audience.
public struct NewPostBody: Codable, Sendable {
    public var text: String
    public var audience: Audience?
    /// Friends inside the audience to remind of the post ("提醒谁看").
    public var mentions: [String]?
    /// Pictures uploaded first (`POST /api/media`), in order; the text may then be empty.
    public var media: [MediaAttachment]?

    public init(text: String, audience: Audience? = nil, mentions: [String]? = nil, media: [MediaAttachment]? = nil) {
        self.text = text
        self.audience = audience
        self.mentions = mentions
        self.media = media
    }
}
