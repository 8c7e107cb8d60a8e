/// Body of `POST /api/posts` and `POST /api/posts/{id}/comments`.
public struct TextBody: Codable, Sendable {
    public var text: String
    public init(text: String) { self.text = text }
}
