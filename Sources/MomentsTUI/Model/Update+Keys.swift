import Foundation
import MomentsCore

/// Key dispatch: global keys first, then the open panel's; while composing, the editor's.
extension AppState {
    mutating func handle(_ key: Key) -> [Effect] {
        switch key {
        case .character("q"), .interrupt:
            return [.quit]
        case .character("?"):
            panel = panel == .help ? .feed : .help
            return []
        case .character("n"):
            if panel == .notifications {
                closeNotifications()
                return []
            }
            panel = .notifications
            notificationSelected = 0
            return [.loadNotifications]
        case .character("r"):
            refreshing = true
            message = nil
            return [.loadFeed(before: nil), .loadNotifications]
        case .escape:
            closeNotifications()
            return []
        default:
            break
        }
        switch panel {
        case .help:
            panel = .feed
            return []
        case .notifications:
            return handleNotificationKey(key)
        case .feed:
            return handleFeedKey(key)
        }
    }

    private mutating func handleFeedKey(_ key: Key) -> [Effect] {
        switch key {
        case .character("j"), .down: return select(selected + 1)
        case .character("k"), .up: return select(selected - 1)
        case .pageDown: return select(selected + feedScroll.pageDown)
        case .pageUp: return select(selected - feedScroll.pageUp)
        case .home, .character("g"): return select(0)
        case .end, .character("G"): return select(posts.count - 1)
        case .character("l"): return toggleLike()
        case .character("c"):
            guard let post = selectedPost, post.id > 0 else { return [] }
            compose = Compose(purpose: .comment(postId: post.id, author: post.author.name))
            return []
        case .character("p"):
            compose = Compose(purpose: .post)
            return []
        default:
            return []
        }
    }

    private mutating func handleNotificationKey(_ key: Key) -> [Effect] {
        switch key {
        case .character("j"), .down:
            notificationSelected = min(notificationSelected + 1, max(0, notifications.count - 1))
        case .character("k"), .up:
            notificationSelected = max(notificationSelected - 1, 0)
        case .enter:
            // Jump to the post the notification is about, when the feed has it.
            if notifications.indices.contains(notificationSelected),
                let index = posts.firstIndex(where: { $0.id == notifications[notificationSelected].event.postId })
            {
                closeNotifications()
                return select(index)
            }
        default:
            break
        }
        return []
    }

    mutating func editCompose(_ key: Key) -> [Effect] {
        guard var compose else { return [] }
        switch key {
        case .escape, .interrupt:
            self.compose = nil
            return []
        case .enter:
            self.compose = nil
            return submit(compose)
        default:
            compose.editor.update(key)
            self.compose = compose
            return []
        }
    }

    private mutating func submit(_ compose: Compose) -> [Effect] {
        let text = compose.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        switch compose.purpose {
        case .post:
            say(.posting)
            return [.createPost(text: text)]
        case .comment(let postId, _):
            return addComment(text, to: postId)
        }
    }
}
