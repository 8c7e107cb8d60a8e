/// A comment as the rules need it: where it is, who wrote it and whom it answers.
struct CommentFacts: Sendable, Equatable {
    var id: Int64
    var postId: Int64
    var author: String
    /// The author of the comment it replies to.
    var replyToUser: String?
}

/// What is left of a deleted post or comment: who could delete it, so that asking again is
/// answered as the first time (and by nobody else). Never its words.
struct Tombstone: Sendable, Equatable {
    var postAuthor: String
    /// Nil for a post.
    var commentAuthor: String?

    /// Whether `user` could have deleted it.
    func deletable(by user: String) -> Bool { user == postAuthor || user == commentAuthor }
}

/// The comment a reply answers, and its author.
struct ReplyTarget: Sendable, Equatable {
    var commentId: Int64
    var user: String
}
