/// Who among the author's friends may see a post (WeChat's 部分可见 / 不给谁看 / 私密). The
/// lists are kept as written: a named user who is not a friend right now sees nothing, and sees
/// the post again if befriended again. On the wire: absent or `{}` for all friends,
/// `{"only": [ids]}`, `{"except": [ids]}` or `{"private": true}`.
public enum Audience: Sendable, Hashable, Codable {
    case friends
    case only([String])
    case except([String])
    case onlyMe

    /// Whether `viewer`, a friend of the author (now), is inside it; the author always is.
    public func admits(friend viewer: String) -> Bool {
        switch self {
        case .friends: true
        case .only(let users): users.contains(viewer)
        case .except(let users): !users.contains(viewer)
        case .onlyMe: false
        }
    }

    /// The users named in the list, if any.
    public var named: [String] {
        switch self {
        case .only(let users), .except(let users): users
        case .friends, .onlyMe: []
        }
    }

    /// How the store keeps it: a kind and the named users.
    public var kind: String {
        switch self {
        case .friends: "friends"
        case .only: "only"
        case .except: "except"
        case .onlyMe: "private"
        }
    }

    /// The audience of a stored `kind` with its named users; an unknown kind admits no one.
    public init(kind: String, named: [String]) {
        switch kind {
        case "friends": self = .friends
        case "only": self = .only(named)
        case "except": self = .except(named)
        default: self = .onlyMe
        }
    }

    private enum Keys: String, CodingKey {
        case only, except
        case onlyMe = "private"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let only = try container.decodeIfPresent([String].self, forKey: .only)
        let except = try container.decodeIfPresent([String].self, forKey: .except)
        let onlyMe = try container.decodeIfPresent(Bool.self, forKey: .onlyMe) ?? false
        switch (only, except, onlyMe) {
        case (nil, nil, false): self = .friends
        case (let users?, nil, false): self = .only(users)
        case (nil, let users?, false): self = .except(users)
        case (nil, nil, true): self = .onlyMe
        default:
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "one of only, except or private"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch self {
        case .friends: break
        case .only(let users): try container.encode(users, forKey: .only)
        case .except(let users): try container.encode(users, forKey: .except)
        case .onlyMe: try container.encode(true, forKey: .onlyMe)
        }
    }
}
