import Foundation
import MomentsCore

/// The notifications panel and the unread badge.
extension AppState {
    mutating func notificationsLoaded(_ outcome: Outcome<NotificationPage>) -> [Effect] {
        switch outcome {
        case .success(let page):
            notifications = page.notifications
            unread = page.unread
            newestEventId = max(newestEventId, page.cursor)
            notificationSelected = min(notificationSelected, max(0, notifications.count - 1))
            return panel == .notifications ? markAllRead() : []
        case .failure(let reason):
            say(.failed(.loadNotifications, reason: reason))
            return []
        }
    }

    mutating func notificationGroupsLoaded(_ outcome: Outcome<GroupedNotificationPage>) {
        switch outcome {
        case .success(let page):
            notificationGroups = page.groups
            notificationGroupsCursor = page.cursor
            notificationSelected = min(notificationSelected, max(0, page.groups.count - 1))
        case .failure(let reason):
            say(.failed(.loadNotifications, reason: reason))
        }
    }

    /// Clears the badge and marks read on the server; the open panel keeps showing which
    /// entries were new until it closes.
    mutating func markAllRead() -> [Effect] {
        guard unread > 0 else { return [] }
        unread = 0
        return [.markRead(upTo: newestEventId)]
    }

    mutating func closeNotifications() {
        if panel == .notifications {
            for index in notifications.indices { notifications[index].read = true }
            notificationGroups = notificationGroups?.map { group in
                var group = group
                group.unread = false
                return group
            }
        }
        panel = .feed
    }
}
