import MomentsCore

/// Work `update` asks the runtime for. `EffectRunner` turns each request into an API call and
/// its answer into the `Action` that reports it; `.quit` ends the loop.
public enum Effect: Equatable, Sendable {
    case like(postId: Int64)
    case unlike(postId: Int64)
    /// `replyTo`: the comment it answers.
    case comment(postId: Int64, text: String, placeholderId: Int64, replyTo: Int64? = nil)
    /// `audience` nil: all friends; `pictures`, the files to attach, read when it is kept.
    case createPost(text: String, audience: Audience? = nil, mentions: [String]? = nil, pictures: [PictureDraft] = [])
    case deleteComment(postId: Int64, commentId: Int64)
    case deletePost(Int64)
    /// A comment the outbox kept from an earlier run now has this placeholder on screen.
    case adopt(id: String, placeholderId: Int64, postId: Int64)
    /// A refused comment: send it again as it was (kept anew if it never was), or let it go.
    case retryComment(placeholderId: Int64, postId: Int64, text: String)
    case discardComment(placeholderId: Int64)
    /// An outbox entry nothing on screen stands for (a refused write of an earlier run): let go.
    case letGo(id: String)
    case loadFeed(before: Int64?)
    /// One post with every like and comment the user may see (the feed has the latest three).
    case loadPost(Int64)
    case loadNotifications
    /// The notifications as the screen shows them: grouped.
    case loadNotificationGroups
    /// The friends screen: the friends and the pending requests.
    case loadFriends
    case requestFriend(String, note: String)
    case answerFriendRequest(id: Int64, from: String, accept: Bool)
    case unfriend(UserSummary)
    case markRead(upTo: Int64)
    /// Get the attention of a user who is not looking (the runtime picks the terminal's way).
    case alert(String)
    case quit

    /// One of the user's writes (or what settles one): they go to the outbox in order.
    var isWrite: Bool {
        switch self {
        case .like, .unlike, .comment, .createPost, .adopt, .retryComment, .discardComment, .letGo, .deleteComment,
            .deletePost:
            true
        case .loadFeed, .loadPost, .loadNotifications, .loadNotificationGroups, .markRead, .alert, .quit, .loadFriends,
            .requestFriend,
            .answerFriendRequest, .unfriend:
            false
        }
    }
}
