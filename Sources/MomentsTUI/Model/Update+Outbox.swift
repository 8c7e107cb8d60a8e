import MomentsClient
import MomentsCore

/// Writes waiting in the outbox: shown as waiting again after a restart, and refused ones
/// sent again or let go.
extension AppState {
    /// What an earlier run left in the outbox, shown as it was when the user made it.
    mutating func restore(_ entries: [OutboxEntry]) -> [Effect] {
        var effects: [Effect] = []
        for entry in entries {
            switch entry.write {
            case .like where entry.refusal != nil, .unlike where entry.refusal != nil:
                effects.append(.letGo(id: entry.id))  // shown rolled back when it was refused
            case .like(let postId), .unlike(let postId):
                guard let index = posts.firstIndex(where: { $0.id == postId }) else { continue }
                let wantsLike = { if case .like = entry.write { true } else { false } }()
                if posts[index].likedByMe != wantsLike { applyLikeToggle(index) }
            case .comment(let postId, let text, _):
                guard let placeholder = placeComment(text, on: postId) else {
                    // Its post is not on screen: a waiting one is still sent (and tracked, so
                    // its answer is taken); a refused one nobody could see or settle is let go.
                    effects.append(
                        entry.refusal == nil
                            ? .adopt(id: entry.id, placeholderId: 0, postId: postId) : .letGo(id: entry.id))
                    continue
                }
                if let refusal = entry.refusal { refusedComments[placeholder] = refusal }
                effects.append(.adopt(id: entry.id, placeholderId: placeholder, postId: postId))
            case .post:
                break  // shown once the server has it; the header counts it as waiting
            case .deleteComment(let postId, let commentId):
                forget(comment: commentId, of: postId)  // gone from the snapshot too
            case .deletePost(let postId):
                forget(post: postId)
            }
        }
        return effects
    }

    /// The next refused post back in the editor, so nothing typed is lost.
    mutating func reopenRefusedPost() {
        guard compose == nil, !refusedPosts.isEmpty else { return }
        compose = Compose(purpose: .post, editor: LineEditor(refusedPosts.removeFirst()))
    }

    /// The first refused comment on the post: sent again, or let go.
    mutating func settleRefused(on postId: Int64, retry: Bool) -> [Effect] {
        guard let index = posts.firstIndex(where: { $0.id == postId }),
            let comment = posts[index].comments.first(where: { refusedComments[$0.id] != nil })
        else { return [] }
        refusedComments[comment.id] = nil
        if retry { return [.retryComment(placeholderId: comment.id, postId: postId, text: comment.text)] }
        posts[index].comments.removeAll { $0.id == comment.id }
        return [.discardComment(placeholderId: comment.id)]
    }
}
