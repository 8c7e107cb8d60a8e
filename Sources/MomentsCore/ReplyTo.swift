/// Whom a comment answers: the comment replied to (nil once it is deleted) and its author,
/// who stays named after the delete.
public struct ReplyTo: Codable, Sendable, Hashable {
    public var commentId: Int64?
    public var user: UserSummary

    public init(commentId: Int64?, user: UserSummary) {
        self.commentId = commentId
        self.user = user
    }

    private enum CodingKeys: String, CodingKey { case commentId, user }

    /// `comment_id` is written even when null: the reply stays, its parent is gone.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(commentId, forKey: .commentId)
        try container.encode(user, forKey: .user)
    }
}
