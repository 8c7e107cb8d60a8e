import Foundation

public struct Comment: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var postId: Int64
    public var author: UserSummary
    public var text: String
    public var createdAt: Date
    /// Whom it answers, when it is a reply.
    public var replyTo: ReplyTo?

    public init(
        id: Int64, postId: Int64, author: UserSummary, text: String, createdAt: Date, replyTo: ReplyTo? = nil
    ) {
        self.id = id
        self.postId = postId
        self.author = author
        self.text = text
        self.createdAt = createdAt
        self.replyTo = replyTo
    }
}
