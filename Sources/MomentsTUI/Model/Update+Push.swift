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
        case .epoch(let epoch):
            streamEpoch = epoch
            return []
        case .gap(let gap):
            // What is on screen may miss what expired, or be another history's: read it again.
            // From another history, ids start over: the new list's cursor is the one to keep.
            if gap == .reset {
                newestEventId = 0
                // The last visit's ids are the old history's too: nothing here is "seen" by them.
                lastVisit = nil
            }
            say(.historyGap(gap))
            refreshing = true
            return [.loadFeed(before: nil), .loadNotifications]
                + (notificationGroups == nil ? [] : [.loadNotificationGroups])
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
        case .event(let event) where event.type.takesAway:
            // No longer ours to see, or no longer there: off every screen at once, this
            // client's and every other's; never a notification.
            newestEventId = max(newestEventId, event.id)
            unread = event.unread
            var effects: [Effect] = []
            if event.type == .commentDeleted, let commentId = event.commentId {
                // Not among the comments loaded: the post's count is read again with it.
                if !forget(comment: commentId, of: event.postId), let postId = event.postId,
                    posts.contains(where: { $0.id == postId })
                {
                    effects.append(.loadPost(postId))
                }
            } else if event.type != .unfriended, let postId = event.postId {
                forget(post: postId)
            } else if let other = event.user {
                forget(user: other.id)
            }
            if panel == .post, shownPost == nil { panel = .feed }
            return effects + (panel == .friends && event.type == .unfriended ? [.loadFriends] : [])
        case .event(let event):
            newestEventId = max(newestEventId, event.id)
            unread = event.unread
            // What the groups were read with counts already.
            if event.id > notificationGroupsCursor {
                notificationGroups = notificationGroups.map { NotificationGroups.fold($0, event) }
            }
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
            // A new friend: their posts, likes and comments are ours to see now.
            if new, event.type == .friendAccepted { effects.append(.loadFeed(before: nil)) }
            if panel == .friends, event.type == .friendRequest || event.type == .friendAccepted {
                effects.append(.loadFriends)
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
                    Comment(
                        id: id, postId: post.id, author: actor, text: event.text ?? "", createdAt: event.createdAt,
                        replyTo: event.replyTo))
                post.commentCount += 1
            }
        case .custom, .post, .postHidden, .friendRequest, .friendAccepted, .unfriended, .mention, .commentDeleted,
            .postDeleted:
            return
        }
        post.likeCount = post.likers.count
        posts[index] = post
    }

    /// A post gone: from the feed, the notifications, a like's snapshot and the delete question.
    mutating func forget(post id: Int64) {
        posts.removeAll { $0.id == id }
        newPosts.removeAll { $0.id == id }
        likeSnapshots[id] = nil
        notifications.removeAll { $0.event.postId == id }
        notificationGroups?.removeAll { $0.postId == id }
        switch confirmingDelete {
        case .post(id), .comment(id, _): confirmingDelete = nil
        default: break
        }
        keepNotificationSelection()
    }

    /// A comment deleted: off its post (replies to it keep the name, lose the link), out of a
    /// like's snapshot, the notifications and the delete question. Answers whether it was on
    /// screen.
    @discardableResult
    mutating func forget(comment id: Int64, of postId: Int64?) -> Bool {
        var shown = false
        for index in posts.indices where postId == nil || posts[index].id == postId {
            guard let at = posts[index].comments.firstIndex(where: { $0.id == id }) else { continue }
            posts[index].comments.remove(at: at)
            posts[index].commentCount = max(0, posts[index].commentCount - 1)
            shown = true
        }
        for index in posts.indices {
            for reply in posts[index].comments.indices where posts[index].comments[reply].replyTo?.commentId == id {
                posts[index].comments[reply].replyTo?.commentId = nil
            }
        }
        for post in likeSnapshots.keys { likeSnapshots[post]?.comments.removeAll { $0.id == id } }
        notifications.removeAll { $0.event.type == .comment && $0.event.commentId == id }
        notificationGroups?.removeAll { $0.type == .comment && $0.commentId == id }
        if case .comment(_, id) = confirmingDelete { confirmingDelete = nil }
        keepNotificationSelection()
        return shown
    }

    private mutating func keepNotificationSelection() {
        notificationSelected = min(notificationSelected, max(0, (notificationGroups?.count ?? 0) - 1))
    }

    /// A friendship ended: the other side's posts, likes and comments go, and what they did
    /// leaves the notifications.
    private mutating func forget(user id: String) {
        posts.removeAll { $0.author.id == id }
        newPosts.removeAll { $0.author.id == id }
        for index in posts.indices {
            posts[index].likers.removeAll { $0.id == id }
            posts[index].likeCount = posts[index].likers.count
            let before = posts[index].comments.count
            posts[index].comments.removeAll { $0.author.id == id }
            posts[index].commentCount -= before - posts[index].comments.count
        }
        notifications.removeAll { $0.event.actor?.id == id && $0.event.type != .friendRequest }
        notificationGroups = notificationGroups.map { NotificationGroups.without(id, $0) }
        keepNotificationSelection()
    }
}

extension EventType {
    /// Events that take something off the screen.
    fileprivate var takesAway: Bool { [.postHidden, .unfriended, .commentDeleted, .postDeleted].contains(self) }
}
