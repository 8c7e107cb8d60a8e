import Foundation
import MomentsCore

@testable import MomentsTUI

let t0 = Date(timeIntervalSince1970: 1_800_000_000)
let alice = UserSummary(id: "alice", name: "Alice")
let bob = UserSummary(id: "bob", name: "Bob")
let carol = UserSummary(id: "carol", name: "Carol")

func post(_ id: Int64, by author: UserSummary = alice, _ text: String = "post", likers: [UserSummary] = []) -> Post {
    Post(
        id: id, author: author, text: text, createdAt: t0.addingTimeInterval(-300), likeCount: likers.count,
        likers: likers, likedByMe: likers.contains(alice))
}

func event(_ id: Int64, _ type: EventType, by actor: UserSummary = bob, post: Int64, text: String? = nil, unread: Int)
    -> Event
{
    Event(
        id: id, type: type, actor: actor, postId: post, postExcerpt: "post", text: text,
        commentId: type == .comment ? id * 100 : nil, createdAt: t0, unread: unread)
}

/// Alice, signed in, with a feed of `posts` on a 80x24 screen.
func state(posts: [Post] = [post(3), post(2, by: bob, "bob's"), post(1)], unread: Int = 0) -> AppState {
    var state = AppState(me: alice, now: t0)
    _ = state.update(.resize(rows: 24, columns: 80))
    _ = state.update(.feedLoaded(.success(FeedPage(posts: posts, nextBefore: nil)), appending: false))
    state.unread = unread
    return state
}

/// The frame for `state`, as the runtime would draw it (which also corrects the feed's scroll).
func render(_ state: AppState) -> Screen {
    var copy = state
    return View.render(&copy)
}

extension AppState {
    /// The message line's words and colour, as `View` shows them.
    var messageText: String? { message.map { View.text(for: $0.notice) } }
    var messageIsError: Bool? { message.map { View.isError($0.notice) } }
}

/// The groups the server makes of `entries` (newest first), by the rule the client folds live
/// events with.
func grouped(_ entries: [NotificationEntry]) -> Action {
    var groups = entries.reversed().reduce([NotificationGroup]()) { NotificationGroups.fold($0, $1.event) }
    for index in groups.indices {
        groups[index].unread = entries.contains { !$0.read && $0.id == groups[index].newestId }
    }
    return .notificationGroupsLoaded(
        .success(GroupedNotificationPage(groups: groups, unread: 0, cursor: entries.first?.id ?? 0, nextBefore: nil)))
}
