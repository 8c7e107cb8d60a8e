import Foundation
import MomentsClient
import MomentsCore

/// What the push connection reports: its state, the unread count, and events to fold into the
/// feed and the notifications.
extension AppState {
    mutating func apply(_ update: PushUpdate) -> [Effect] {
        switch update {
        case .state(let state):
            connection = state
            if state == .tokenRejected { say("The server rejected the token: get a new one.", error: true) }
            if case .untrusted(let reason) = state { say(reason, error: true) }
            return []
        case .unread(let count):
            unread = count
            return panel == .notifications && count > 0 ? markAllRead() : []
        case .event(let event):
            newestEventId = max(newestEventId, event.id)
            unread = event.unread
            if !notifications.contains(where: { $0.id == event.id }) {
                notifications.insert(NotificationEntry(event: event, read: event.type == .unlike), at: 0)
            }
            applyToFeed(event)
            say(Self.sentence(for: event))
            return panel == .notifications ? markAllRead() : []
        }
    }

    mutating func applyToFeed(_ event: Event) {
        guard let actor = event.actor, let index = posts.firstIndex(where: { $0.id == event.postId }) else { return }
        var post = posts[index]
        switch event.type {
        case .like:
            if !post.likers.contains(where: { $0.id == actor.id }) { post.likers.append(actor) }
        case .unlike:
            post.likers.removeAll { $0.id == actor.id }
        case .comment:
            if let id = event.commentId, !post.comments.contains(where: { $0.id == id }) {
                post.comments.append(
                    Comment(id: id, postId: post.id, author: actor, text: event.text ?? "", createdAt: event.createdAt))
            }
        case .custom:
            return
        }
        post.likeCount = post.likers.count
        posts[index] = post
    }

    /// How a notification reads in the message line and the notifications panel.
    public static func sentence(for event: Event) -> String {
        let actor = event.actor?.name ?? "Someone"
        let excerpt = event.postExcerpt ?? ""
        return switch event.type {
        case .like: "\(actor) liked your post “\(excerpt)”"
        case .unlike: "\(actor) took back a like on “\(excerpt)”"
        case .comment: "\(actor) commented: \(event.text ?? "")"
        case .custom: "A message for you from the service"
        }
    }
}
