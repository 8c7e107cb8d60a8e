import Foundation
import MomentsCore

/// The feed: pages from the server, the selection, and optimistic likes and comments that are
/// shown at once and reconciled with the server's answer.
extension AppState {
    mutating func feedLoaded(_ outcome: Outcome<FeedPage>, appending: Bool) {
        loadingMore = false
        if !appending { refreshing = false }
        switch outcome {
        case .success(let page): showFeed(page, appending: appending)
        case .failure(let reason): say(.failed(.loadFeed, reason: reason))
        }
    }

    private mutating func showFeed(_ page: FeedPage, appending: Bool) {
        let selectedId = selectedPost?.id
        if appending {
            let known = Set(posts.map(\.id))
            posts += page.posts.filter { !known.contains($0.id) }
        } else {
            // The user's comments still waiting for the server stay where they were.
            let waiting = Dictionary(grouping: posts.flatMap(\.comments).filter { $0.id < 0 }, by: \.postId)
            posts = page.posts.map { post in
                var post = post
                post.comments += waiting[post.id] ?? []
                return post
            }
        }
        nextBefore = page.nextBefore
        newPosts.removeAll { new in posts.contains { $0.id == new.id } }
        feedScroll.selected =
            selectedId.flatMap { id in posts.firstIndex { $0.id == id } } ?? min(selected, max(0, posts.count - 1))
    }

    /// The friends' posts that arrived live, put at the top of the feed and the first selected.
    mutating func showNewPosts() -> [Effect] {
        posts.insert(contentsOf: newPosts.filter { new in !posts.contains { $0.id == new.id } }, at: 0)
        newPosts = []
        return select(0)
    }

    /// Moves the selection, clamped to the feed; reaching the last post asks for older ones.
    mutating func select(_ index: Int) -> [Effect] {
        guard !posts.isEmpty else { return [] }
        feedScroll.selected = min(max(index, 0), posts.count - 1)
        if selected == posts.count - 1, let before = nextBefore, !loadingMore {
            loadingMore = true
            return [.loadFeed(before: before)]
        }
        return []
    }

    mutating func postSettled(_ outcome: Outcome<Post>) {
        switch outcome {
        case .success(let post):
            // The push event for it may have come first.
            if !posts.contains(where: { $0.id == post.id }) { posts.insert(post, at: 0) }
            feedScroll.selected = 0
            say(.posted)
        case .failure(let reason):
            say(.failed(.post, reason: reason))
        }
    }

    // MARK: likes

    mutating func toggleLike(_ index: Int) -> [Effect] {
        guard posts.indices.contains(index), posts[index].id > 0 else { return [] }
        guard likeSnapshots[posts[index].id] == nil else { return [] }  // one request per post at a time
        let post = posts[index]
        applyLikeToggle(index)
        return [post.likedByMe ? .unlike(postId: post.id) : .like(postId: post.id)]
    }

    /// Shows the like (or unlike) at once, keeping the post as it was to roll back to.
    mutating func applyLikeToggle(_ index: Int) {
        let post = posts[index]
        likeSnapshots[post.id] = post
        var changed = post
        if post.likedByMe {
            changed.likers.removeAll { $0.id == me.id }
        } else if !changed.likers.contains(me) {
            changed.likers.append(me)
        }
        changed.likedByMe.toggle()
        changed.likeCount = changed.likers.count
        posts[index] = changed
    }

    mutating func likeSettled(postId: Int64, _ outcome: Outcome<Post>) {
        let snapshot = likeSnapshots.removeValue(forKey: postId)
        switch outcome {
        case .success(let post): replace(post)
        case .failure(let reason):
            if let snapshot { replace(snapshot) }
            say(.failed(.like, reason: reason))
        }
    }

    mutating func replace(_ post: Post) {
        guard let index = posts.firstIndex(where: { $0.id == post.id }) else { return }
        // Keep comments still waiting for the server's answer.
        let pending = posts[index].comments.filter { $0.id < 0 }
        posts[index] = post
        posts[index].comments += pending
    }

    // MARK: comments

    mutating func addComment(_ text: String, to postId: Int64, replyTo: ReplyTo? = nil) -> [Effect] {
        guard let placeholder = placeComment(text, on: postId, replyTo: replyTo) else { return [] }
        return [.comment(postId: postId, text: text, placeholderId: placeholder, replyTo: replyTo?.commentId)]
    }

    /// Shows the user's comment at once, under an id no stored comment has (negative): the
    /// placeholder the server's answer replaces.
    mutating func placeComment(_ text: String, on postId: Int64, replyTo: ReplyTo? = nil) -> Int64? {
        guard let index = posts.firstIndex(where: { $0.id == postId }) else { return nil }
        let placeholder = Comment(
            id: nextPlaceholderId, postId: postId, author: me, text: text, createdAt: now, replyTo: replyTo)
        nextPlaceholderId -= 1
        posts[index].comments.append(placeholder)
        return placeholder.id
    }

    mutating func commentSettled(placeholderId: Int64, postId: Int64, _ outcome: Outcome<Comment>) {
        guard let index = posts.firstIndex(where: { $0.id == postId }) else { return }
        let placeholder = posts[index].comments.firstIndex { $0.id == placeholderId }
        switch outcome {
        case .success(let comment):
            if let placeholder {
                // The push event may have added the stored comment already.
                if posts[index].comments.contains(where: { $0.id == comment.id }) {
                    posts[index].comments.remove(at: placeholder)
                } else {
                    posts[index].comments[placeholder] = comment
                    posts[index].commentCount += 1
                }
            }
        case .failure(let reason):
            if let placeholder { posts[index].comments.remove(at: placeholder) }
            say(.failed(.comment, reason: reason))
        }
    }
}
