/// The mouse (with `mouse = true`): the wheel moves through the list, a click selects what it
/// hits, a click on the badge opens the notifications.
extension AppState {
    mutating func mouse(_ event: MouseEvent) -> [Effect] {
        switch event.kind {
        case .wheelUp: return run(.up)
        case .wheelDown: return run(.down)
        case .click:
            if event.row == 0, hitAreas.badge?.contains(event.column) == true, panel != .notifications {
                return run(.notifications)
            }
            guard let item = hitAreas.items[event.row] else { return [] }
            switch panel {
            case .feed: return select(item)
            case .post: openPost.scroll.selected = item
            case .notifications: notificationSelected = item
            case .friends: friendsScreen.selected = item
            case .help: panel = .feed
            }
            return []
        }
    }
}
