import Foundation
import MomentsClient
import MomentsCore

/// Starting without the server: the feed and notifications the last run saved, marked as such,
/// and caught up once the server answers.
extension AppState {
    /// What the screen shows, as the server last said it: writes still waiting (optimistic
    /// likes, placeholder comments) left out, since the outbox shows them again.
    var snapshot: StateFiles.Snapshot {
        let stored = posts.map { post in
            var post = likeSnapshots[post.id] ?? post
            post.comments.removeAll { $0.id < 0 }
            return post
        }
        return StateFiles.Snapshot(
            me: me, feed: FeedPage(posts: stored, nextBefore: nextBefore),
            notifications: NotificationPage(notifications: notifications, unread: unread, cursor: newestEventId),
            epoch: streamEpoch)
    }

    /// The state a run starts in while the server cannot be reached: the last run's screen.
    public static func offline(from snapshot: StateFiles.Snapshot, now: Date = Date()) -> AppState {
        var state = AppState(me: snapshot.me, now: now)
        state.posts = snapshot.feed.posts
        state.nextBefore = snapshot.feed.nextBefore
        state.notifications = snapshot.notifications.notifications
        state.unread = snapshot.notifications.unread
        state.newestEventId = snapshot.notifications.cursor
        state.streamEpoch = snapshot.epoch
        state.stale = true
        state.outage = Outage(
            since: now, lastEventId: state.newestEventId, lastPostId: state.posts.map(\.id).max() ?? 0)
        state.say(.offlineStart)
        return state
    }
}
