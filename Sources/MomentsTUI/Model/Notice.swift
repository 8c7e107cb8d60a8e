import MomentsClient
import MomentsCore

/// What the message line is telling the user, as a fact; `View` words it.
public enum Notice: Equatable, Sendable {
    public enum Request: Equatable, Sendable {
        case loadFeed, loadNotifications, like, comment, post, markRead, loadPost, friends, delete
    }

    /// Someone liked, unliked or commented on one of the user's posts.
    case event(Event)
    case posting
    case posted
    case friends(FriendChange)
    /// The friends screen needs one selected to act on.
    case nothingSelected
    case failed(Request, reason: String)
    /// Started while the server could not be reached, on the last run's feed.
    case offlineStart
    /// `d` on something that is not the user's to delete.
    case cannotDelete
    /// `u` found no post with unread likes or comments.
    case nothingUnread
    case tokenRejected
    /// The server's certificate failed verification; the reason says which and why.
    case untrusted(String)
    /// The stream could not resume where it was (older events expired, or the server's
    /// history is another one): the screens were fetched again.
    case historyGap(HistoryGap)
}
