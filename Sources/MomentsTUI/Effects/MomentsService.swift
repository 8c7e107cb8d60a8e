import MomentsClient
import MomentsCore

/// The requests effects make, so `EffectRunner` can be tested without a server. Writes carry
/// an idempotency key: sent again under it, a write that already happened happens once.
protocol MomentsService: MomentsWriting {
    func feedPage(before: Int64?) async throws -> FeedPage
    func notificationPage() async throws -> NotificationPage
    func groupPage() async throws -> GroupedNotificationPage
    func markRead(upTo: Int64, idempotencyKey: String?) async throws -> UnreadCount
    func wholePost(_ id: Int64) async throws -> Post
    func friendLists() async throws -> FriendsScreen.Lists
    func requestFriend(_ user: String, note: String?, idempotencyKey: String?) async throws -> FriendRequestOutcome
    func answerFriendRequest(_ id: Int64, accept: Bool, idempotencyKey: String?) async throws -> Bool
    func unfriend(_ user: String, idempotencyKey: String?) async throws
}

extension MomentsAPI: MomentsService {
    func feedPage(before: Int64?) async throws -> FeedPage { try await feed(before: before) }

    func notificationPage() async throws -> NotificationPage { try await notifications() }

    func groupPage() async throws -> GroupedNotificationPage { try await notificationGroups() }

    func wholePost(_ id: Int64) async throws -> Post { try await post(id) }

    func friendLists() async throws -> FriendsScreen.Lists {
        async let friends = friends()
        async let requests = friendRequests()
        return FriendsScreen.Lists(friends: try await friends, requests: try await requests)
    }
}
