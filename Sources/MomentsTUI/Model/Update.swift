import Foundation
import MomentsClient
import MomentsCore

extension AppState {
    static let messageDuration: TimeInterval = 5

    /// Applies one action and answers the effects the runtime should perform. Pure: no I/O.
    /// The concerns live in their own files: keys, feed, notifications, push.
    public mutating func update(_ action: Action) -> [Effect] {
        switch action {
        case .key(let key):
            return compose != nil ? editCompose(key) : handle(key)
        case .mouse(let event):
            return compose == nil && confirmingDelete == nil ? mouse(event) : []
        case .resize(let rows, let columns):
            self.rows = rows
            self.columns = columns
            return []
        case .focus(let focused):
            self.focused = focused
            if focused { attention.seen() }
            return []
        case .pictureLoaded(let key, let slot):
            pictures.keep(key, slot)
            return []
        case .tick(let date):
            now = date
            if let message, message.until <= date { self.message = nil }
            return attention.due(now: date).map { [.alert($0)] } ?? []
        case .terminate:
            return [.quit]
        case .push(let update):
            return apply(update)
        case .feedLoaded(let outcome, let appending):
            feedLoaded(outcome, appending: appending)
            return []
        case .notificationsLoaded(let outcome):
            return notificationsLoaded(outcome)
        case .notificationGroupsLoaded(let outcome):
            notificationGroupsLoaded(outcome)
            return []
        case .likeSettled(let postId, let outcome):
            likeSettled(postId: postId, outcome)
            return []
        case .commentSettled(let placeholderId, let postId, let outcome):
            commentSettled(placeholderId: placeholderId, postId: postId, outcome)
            return []
        case .postSettled(let outcome):
            postSettled(outcome)
            return []
        case .postRefused(let text, let reason):
            say(.failed(.post, reason: reason))
            // Back in the editor; while the user writes something else, it waits its turn.
            refusedPosts.append(text)
            if compose == nil { reopenRefusedPost() }
            return []
        case .commentRefused(let placeholderId, _, let reason):
            refusedComments[placeholderId] = reason
            say(.failed(.comment, reason: reason))
            return []
        case .deleteRefused(let reason):
            say(.failed(.delete, reason: reason))
            return []
        case .outboxWaiting(let count, _):
            waitingWrites = count
            return []
        case .restored(let entries):
            return restore(entries)
        case .markedRead(.success(let count)):
            unread = count
            return []
        case .markedRead(.failure(let reason)):
            say(.failed(.markRead, reason: reason))
            return []
        case .postLoaded(let postId, let outcome):
            postLoaded(postId, outcome)
            return []
        case .friendsLoaded(let outcome):
            friendsLoaded(outcome)
            return []
        case .friendsChanged(let outcome):
            return friendsChanged(outcome)
        }
    }

    mutating func say(_ notice: Notice) {
        message = Message(notice: notice, until: now.addingTimeInterval(Self.messageDuration))
    }
}
