import MomentsClient
import MomentsCore

/// The words for what the model reports: the message line and the notifications panel.
extension View {
    /// How a notification reads in the message line and the notifications panel.
    public static func sentence(for event: Event) -> String {
        let actor = event.actor?.name ?? "Someone"
        let excerpt = event.postExcerpt ?? ""
        return switch event.type {
        case .like: "\(actor) liked your post “\(excerpt)”"
        case .unlike: "\(actor) took back a like on “\(excerpt)”"
        case .comment:
            if let replyTo = event.replyTo {
                "\(actor) replied to \(replyTo.user.name): \(event.text ?? "")"
            } else {
                "\(actor) commented: \(event.text ?? "")"
            }
        case .mention: "\(actor) wants you to see “\(excerpt)”"
        case .commentDeleted: "A comment was deleted"
        case .postDeleted: "A post was deleted"
        case .custom: "A message for you from the service"
        case .post: "\(actor) posted: \(event.text ?? "")"
        case .postHidden: "A post is no longer shared with you"
        case .friendRequest:
            if let note = event.text, !note.isEmpty {
                "\(actor) asks to be your friend: \(note)"
            } else {
                "\(actor) asks to be your friend"
            }
        case .friendAccepted: "\(actor) accepted your friend request"
        case .unfriended: "You and \(event.user?.name ?? "someone") are no longer friends"
        }
    }

    /// How a group of notifications reads: "Bob and 19 others liked your post “…”".
    public static func sentence(for group: NotificationGroup) -> String {
        guard group.type == .like, group.count > 1, let newest = group.actors.first else {
            return sentence(
                for: Event(
                    id: group.newestId, type: group.type, actor: group.actors.first, postId: group.postId,
                    postExcerpt: group.postExcerpt, text: group.text, commentId: group.commentId,
                    replyTo: group.replyTo, requestId: group.requestId, createdAt: .distantPast, unread: 0))
        }
        let others = group.count - 1
        let who =
            others == 1 && group.actors.count > 1
            ? "\(newest.name) and \(group.actors[1].name)" : "\(newest.name) and \(others) others"
        return "\(who) liked your post “\(group.postExcerpt ?? "")”"
    }

    public static func text(for notice: Notice) -> String {
        switch notice {
        case .event(let event): sentence(for: event)
        case .friends(.requested(let user)): "Friend request sent to \(user)."
        case .friends(.befriended(let name)): "You and \(name) are friends now."
        case .friends(.declined(let name)): "Declined \(name)'s request."
        case .friends(.unfriended(let name)): "You and \(name) are no longer friends."
        case .nothingSelected: "Select a request or a friend first."
        case .failed(.loadPost, let reason): "Could not load the post: \(reason)"
        case .failed(.friends, let reason): "Friends: \(reason)"
        case .posting: "Posting…"
        case .posted: "Posted."
        case .failed(.loadFeed, let reason): "Could not load the feed: \(reason)"
        case .failed(.loadNotifications, let reason): "Could not load notifications: \(reason)"
        case .failed(.like, let reason): "Like failed: \(reason)"
        case .failed(.comment, let reason): "Comment failed: \(reason)"
        case .failed(.post, let reason): "Post failed: \(reason)"
        case .failed(.markRead, let reason): "Could not mark read: \(reason)"
        case .nothingUnread: "No unread likes or comments."
        case .cannotDelete: "Only your own comments, comments on your posts, and your own posts can be deleted."
        case .failed(.delete, let reason): "Delete failed: \(reason)"
        case .offlineStart:
            "Server unreachable: the feed as it was on your last visit; what you do is sent when it is back."
        case .tokenRejected: "The server rejected the token: get a new one."
        case .untrusted(let reason): reason
        case .historyGap(.expired): "Older notifications have expired: the feed and notifications were reloaded."
        case .historyGap(.reset): "The server's history was reset: the feed and notifications were reloaded."
        }
    }

    public static func isError(_ notice: Notice) -> Bool {
        switch notice {
        case .event, .posting, .posted, .nothingUnread, .offlineStart, .friends, .historyGap: false
        case .nothingSelected, .cannotDelete: true
        case .failed, .tokenRejected, .untrusted: true
        }
    }

    static let refreshingText = "Refreshing…"
}
