import Foundation
import MomentsClient
import MomentsCore

/// The feed: pages from the server, the selection, and optimistic likes and
/// comments that are shown at once and reconciled with the server's answer.
extension AppState {
    mutating func feedLoaded(_ outcome: Outcome<FeedPage>, appending: Bool) {
        loadingMore = false
        switch outcome {
        case .success(let page): showFeed(page, appending: appending)
        case .failure(let reason): say("Could not load the feed: \(reason)", error: true)
        }
    }

    mutating func likeSettled(postId: Int64, _ outcome: Outcome<Post>) {
        let snapshot = likeSnapshots.removeValue(forKey: postId)
        switch outcome {
        case .success(let post): replace(post)
        case .failure(let reason):
            if let snapshot { replace(snapshot) }
            say("Like failed: \(reason)", error: true)
        }
    }

    mutating func postSettled(_ outcome: Outcome<Post>) {
        switch outcome {
        case .success(let post):
            // The push event for it may have come first.
            if !posts.contains(where: { $0.id == post.id }) { posts.insert(post, at: 0) }
            feedScroll.selected = 0
            say("Posted.")
        case .failure(let reason):
            say("Post failed: \(reason)", error: true)
        }
    }

    mutating func select(_ index: Int) -> [Effect] {
        guard !posts.isEmpty else { return [] }
        feedScroll.selected = min(max(index, 0), posts.count - 1)
        if selected == posts.count - 1, let before = nextBefore, !loadingMore {
            loadingMore = true
            return [.loadFeed(before: before)]
        }
        return []
    }

    mutating func showFeed(_ page: FeedPage, appending: Bool) {
        let selectedId = selectedPost?.id
        if appending {
            let known = Set(posts.map(\.id))
            posts += page.posts.filter { !known.contains($0.id) }
        } else {
            posts = page.posts
            if message?.text == "Refreshing…" { message = nil }
        }
        nextBefore = page.nextBefore
        feedScroll.selected =
            selectedId.flatMap { id in posts.firstIndex { $0.id == id } } ?? min(selected, max(0, posts.count - 1))
    }

    mutating func replace(_ post: Post) {
        guard let index = posts.firstIndex(where: { $0.id == post.id }) else { return }
        // Keep comments still waiting for the server's answer.
        let pending = posts[index].comments.filter { $0.id < 0 }
        posts[index] = post
        posts[index].comments += pending
    }

    mutating func toggleLike() -> [Effect] {
        guard let post = selectedPost, post.id > 0 else { return [] }
        guard likeSnapshots[post.id] == nil else { return [] }  // one request per post at a time
        likeSnapshots[post.id] = post
        var changed = post
        if post.likedByMe {
            changed.likers.removeAll { $0.id == me.id }
        } else if !changed.likers.contains(me) {
            changed.likers.append(me)
        }
        changed.likedByMe.toggle()
        changed.likeCount = changed.likers.count
        posts[selected] = changed
        return [post.likedByMe ? .unlike(postId: post.id) : .like(postId: post.id)]
    }

    mutating func settleComment(placeholderId: Int64, postId: Int64, _ outcome: Outcome<Comment>) {
        guard let index = posts.firstIndex(where: { $0.id == postId }) else { return }
        let placeholder = posts[index].comments.firstIndex { $0.id == placeholderId }
        switch outcome {
        case .success(let comment):
            if let placeholder {
                if posts[index].comments.contains(where: { $0.id == comment.id }) {
                    posts[index].comments.remove(at: placeholder)
                } else {
                    posts[index].comments[placeholder] = comment
                }
            }
        case .failure(let reason):
            if let placeholder { posts[index].comments.remove(at: placeholder) }
            say("Comment failed: \(reason)", error: true)
        }
    }
}
