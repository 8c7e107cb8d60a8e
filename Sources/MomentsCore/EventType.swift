public enum EventType: String, Codable, Sendable, CaseIterable {
    /// Someone liked a post of the recipient.
    case like
    /// Someone took a like back; born read, and it marks the like it retracts as read.
    case unlike
    /// Someone commented on a post of the recipient, or on a post the recipient commented on.
    case comment
    /// A backend service published `data` to the recipient (`POST /api/publish`).
    case custom
    /// A friend's new post, or one whose audience now takes the recipient in, for live feeds:
    /// in the stream, never an unread notification.
    case post
    /// A post the recipient could see is no longer theirs to see (its audience changed):
    /// clients drop it. Born read.
    case postHidden = "post_hidden"
    /// Someone asks to be the recipient's friend (`request_id`, the note in `text`).
    case friendRequest = "friend_request"
    /// The recipient's friend request was accepted by `actor`.
    case friendAccepted = "friend_accepted"
    /// The friendship with `user` ended (told to both sides): clients drop each other's posts,
    /// likes and comments. Born read.
    case unfriended
    /// The author of the post reminds the recipient of it ("提醒谁看"). Unread.
    case mention
    /// A comment the recipient was told of or may see was deleted (`post_id`, `comment_id`):
    /// clients drop it. Born read, never listed.
    case commentDeleted = "comment_deleted"
    /// A post the recipient may see was deleted, with its likes and comments: clients drop it.
    /// Born read, never listed.
    case postDeleted = "post_deleted"

    /// Events about a post and what someone did to it: they show the post's text, and only
    /// while their recipient may see both (the privacy rules hide the others' content).
    public var isAboutPost: Bool {
        switch self {
        case .like, .unlike, .comment, .post, .mention: true
        case .custom, .postHidden, .friendRequest, .friendAccepted, .unfriended, .commentDeleted, .postDeleted: false
        }
    }

    /// Events that are news for live screens, never in the notifications list.
    public var isListed: Bool {
        switch self {
        case .post, .postHidden, .unfriended, .commentDeleted, .postDeleted: false
        case .like, .unlike, .comment, .custom, .friendRequest, .friendAccepted, .mention: true
        }
    }
}
