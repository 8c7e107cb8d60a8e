import MomentsCore

/// The friends screen (f): requests to answer, the friends, and asking someone new; and a post
/// loaded whole for the post view.
extension AppState {
    mutating func openFriends() -> [Effect] {
        panel = .friends
        friendsScreen.loading = true
        friendsScreen.confirmingEnd = nil
        return [.loadFriends]
    }

    mutating func friendsCommand(_ command: Command) -> [Effect] {
        switch command {
        case .down: friendsScreen.move(by: 1)
        case .up: friendsScreen.move(by: -1)
        case .top: friendsScreen.selected = 0
        case .bottom: friendsScreen.move(by: friendsScreen.rows.count)
        case .addFriend: compose = Compose(purpose: .friendRequest)
        case .accept, .delete:
            guard case .incoming(let request) = friendsScreen.selectedRow else {
                say(.nothingSelected)
                return []
            }
            return [
                .answerFriendRequest(id: request.id, from: request.from?.name ?? "", accept: command == .accept)
            ]
        case .unfriend:
            guard case .friend(let friend) = friendsScreen.selectedRow else {
                say(.nothingSelected)
                return []
            }
            friendsScreen.confirmingEnd = friend
        case .post: compose = Compose(purpose: .post)
        default: break
        }
        return []
    }

    mutating func friendsLoaded(_ outcome: Outcome<FriendsScreen.Lists>) {
        friendsScreen.loading = false
        switch outcome {
        case .success(let lists):
            friendsScreen.lists = lists
            friendsScreen.move(by: 0)
        case .failure(let reason):
            say(.failed(.friends, reason: reason))
        }
    }

    mutating func friendsChanged(_ outcome: Outcome<FriendChange>) -> [Effect] {
        switch outcome {
        case .success(let change):
            say(.friends(change))
            switch change {
            // Who may be seen changed: the feed is read again (an ended friendship's posts
            // also went with the `unfriended` event).
            case .befriended, .unfriended: return [.loadFriends, .loadFeed(before: nil)]
            case .requested, .declined: return [.loadFriends]
            }
        case .failure(let reason):
            say(.failed(.friends, reason: reason))
            return []
        }
    }

    mutating func postLoaded(_ postId: Int64, _ outcome: Outcome<Post>) {
        switch outcome {
        case .success(let post) where posts.contains { $0.id == post.id }:
            replace(post)
        case .success(let post):
            // Opened from a notification, older than the feed loaded: in its place by age.
            guard panel == .post, openPost.postId == post.id else { return }
            let selectedId = selectedPost?.id
            posts.insert(post, at: posts.firstIndex { $0.id < post.id } ?? posts.count)
            feedScroll.selected = selectedId.flatMap { id in posts.firstIndex { $0.id == id } } ?? selected
        case .failure(let reason): say(.failed(.loadPost, reason: reason))
        }
    }
}
