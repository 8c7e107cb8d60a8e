import Foundation
import MomentsClient
import MomentsCore

/// The answer to a request, reduced to what the UI shows.
public enum Outcome<Value: Equatable & Sendable>: Equatable, Sendable {
    case success(Value)
    case failure(String)
}

/// Everything that can happen to the client: each becomes one call of `AppState.update`.
public enum Action: Equatable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(rows: Int, columns: Int)
    /// The terminal reported that it gained (true) or lost the focus.
    case focus(Bool)
    case tick(Date)
    /// A picture the screen wanted, drawn (or given up on) in the background.
    case pictureLoaded(PictureKey, PictureSlot)
    /// SIGTERM, SIGINT or SIGHUP, or the terminal went away: time to leave, restoring it.
    case terminate
    case push(PushUpdate)
    case feedLoaded(Outcome<FeedPage>, appending: Bool)
    case notificationsLoaded(Outcome<NotificationPage>)
    case notificationGroupsLoaded(Outcome<GroupedNotificationPage>)
    case likeSettled(postId: Int64, Outcome<Post>)
    case commentSettled(placeholderId: Int64, postId: Int64, Outcome<Comment>)
    case postSettled(Outcome<Post>)
    /// The server refused a post: the text goes back into the editor.
    case postRefused(text: String, reason: String)
    /// The server refused a comment: it stays, marked, until sent again or let go.
    case commentRefused(placeholderId: Int64, postId: Int64, reason: String)
    /// The server refused a delete (it was not the user's to delete after all).
    case deleteRefused(reason: String)
    /// How many writes wait in the outbox; `offline`: the last send could not reach the server.
    case outboxWaiting(count: Int, offline: Bool)
    /// Writes an earlier run made that the outbox still holds.
    case restored([OutboxEntry])
    case markedRead(Outcome<Int>)
    case postLoaded(postId: Int64, Outcome<Post>)
    case friendsLoaded(Outcome<FriendsScreen.Lists>)
    /// A friend request sent or answered, or a friendship ended.
    case friendsChanged(Outcome<FriendChange>)
}
