import MomentsCore

/// What `d` deletes, once the user says yes.
public enum DeleteTarget: Equatable, Sendable {
    case comment(postId: Int64, commentId: Int64)
    case post(Int64)
}

/// Taking back what was said (d): asked first, then gone from the screen at once and sent
/// through the outbox, like every write.
extension AppState {
    /// `d` on the feed: the selected post, when it is the user's.
    mutating func askToDelete(_ post: Post?) -> [Effect] {
        guard let post, post.id > 0, post.author.id == me.id else {
            say(.cannotDelete)
            return []
        }
        confirmingDelete = .post(post.id)
        return []
    }

    /// `d` in the post view: the selected comment (the user's, or any on the user's post); with
    /// the post itself selected, the post.
    mutating func askToDelete(in post: Post, comment: Comment?) -> [Effect] {
        guard let comment else { return askToDelete(post) }
        guard comment.id > 0, comment.author.id == me.id || post.author.id == me.id else {
            say(.cannotDelete)
            return []
        }
        confirmingDelete = .comment(postId: post.id, commentId: comment.id)
        return []
    }

    /// The answer to "Delete …? y/n": y (or Enter) deletes, any other key keeps it.
    mutating func answerDelete(_ key: Key, _ target: DeleteTarget) -> [Effect] {
        confirmingDelete = nil
        guard key == .character("y") || key == .enter else { return [] }
        switch target {
        case .comment(let postId, let commentId):
            forget(comment: commentId, of: postId)
            return [.deleteComment(postId: postId, commentId: commentId)]
        case .post(let postId):
            forget(post: postId)
            if panel == .post { panel = .feed }
            feedScroll.selected = min(selected, max(0, posts.count - 1))
            return [.deletePost(postId)]
        }
    }
}
