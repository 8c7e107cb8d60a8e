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
    case resize(rows: Int, columns: Int)
    case tick(Date)
    case push(PushUpdate)
    case feedLoaded(Outcome<FeedPage>, appending: Bool)
    case notificationsLoaded(Outcome<NotificationPage>)
    case likeSettled(postId: Int64, Outcome<Post>)
    case commentSettled(placeholderId: Int64, postId: Int64, Outcome<Comment>)
    case postSettled(Outcome<Post>)
    case markedRead(Outcome<Int>)
}

/// Work the runtime performs for `update`; its result comes back as an `Action`.
public enum Effect: Equatable, Sendable {
    case like(postId: Int64)
    case unlike(postId: Int64)
    case comment(postId: Int64, text: String, placeholderId: Int64)
    case createPost(text: String)
    case loadFeed(before: Int64?)
    case loadNotifications
    case markRead(upTo: Int64)
    case quit
}
