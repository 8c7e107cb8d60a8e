import Foundation
import MomentsClient
import MomentsCore

/// What the push connection reports: its state, the unread count, and events to fold into the
/// feed and the notifications.
extension AppState {
    mutating func apply(_ update: PushUpdate) -> [Effect] {
        switch update {
        case .state(let state):
            track(state)
            connection = state
            if state == .tokenRejected { say(.tokenRejected) }
            if case .untrusted(let reason) = state { say(.untrusted(reason)) }
            // Started offline on the last run's feed: the server answers, so catch up with it.
            if stale, state == .webSocket || state == .longPolling {
                stale = false
                refreshing = true
                return [.loadFeed(before: nil), .loadNotifications]
            }
            return []
        case .unread(let count):
            unread = count
            return panel == .notifications && count > 0 ? markAllRead() : []
        case .event(let event) where event.type == .post:
            // A friend's new post: waits above the feed until the user goes to the top.
            newestEventId = max(newestEventId, event.id)
            if let post = Post(announcedBy: event), !posts.contains(where: { $0.id == post.id }),
                !newPosts.contains(where: { $0.id == post.id })
            {
                newPosts.insert(post, at: 0)
            }
            return []
        case .event(let event):
            newestEventId = max(newestEventId, event.id)
            unread = event.unread
            let new = !notifications.contains(where: { $0.id == event.id })
            if new {
                // An unlike is listed but does not count as unread.
                notifications.insert(NotificationEntry(event: event, read: event.type == .unlike), at: 0)
            }
            applyToFeed(event)
            say(.event(event))
            var effects = panel == .notifications ? markAllRead() : []
            // A replay of an event already listed was told already.
            if new, !focused, event.actor?.id != me.id, let sentence = attention.arrived(event, now: now) {
                effects.append(.alert(sentence))
            }
            return effects
        }
    }

    private mutating func applyToFeed(_ event: Event) {
        guard let actor = event.actor, let index = posts.firstIndex(where: { $0.id == event.postId }) else { return }
        var post = posts[index]
        switch event.type {
        case .like:
            if !post.likers.contains(where: { $0.id == actor.id }) { post.likers.append(actor) }
        case .unlike:
            post.likers.removeAll { $0.id == actor.id }
        case .comment:
            // A replay after a reconnect, or our own comment's answer, may have it already.
            if let id = event.commentId, !post.comments.contains(where: { $0.id == id }) {
                post.comments.append(
                    Comment(id: id, postId: post.id, author: actor, text: event.text ?? "", createdAt: event.createdAt))
            }
        case .custom, .post:
            return
        }
        post.likeCount = post.likers.count
        posts[index] = post
    }
}
