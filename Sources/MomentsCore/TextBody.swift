/// Body of `POST /api/posts/{id}/comments`: the text, and the comment it replies to.
public struct TextBody: Codable, Sendable {
    public var text: String
    public var replyTo: Int64?

    public init(text: String, replyTo: Int64? = nil) {
        self.text = text
        self.replyTo = replyTo
    }
}
