/// A person on Moments. `id` is the seed article's "openId": short, stable, used in tokens.
public struct UserSummary: Codable, Sendable, Hashable {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
}
