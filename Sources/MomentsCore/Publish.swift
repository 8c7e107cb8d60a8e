/// `POST /api/publish`: `data` to some users, or to everyone.
public struct PublishRequest: Codable, Sendable, Equatable {
    public var users: [String]?
    public var broadcast: Bool?
    public var data: JSONValue?

    public init(users: [String]? = nil, broadcast: Bool? = nil, data: JSONValue) {
        self.users = users
        self.broadcast = broadcast
        self.data = data
    }
}

/// The ids of the `custom` events created, one per recipient.
public struct PublishResult: Codable, Sendable, Equatable {
    public var ids: [Int64]

    public init(ids: [Int64]) { self.ids = ids }
}
