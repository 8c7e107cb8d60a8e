import MomentsClient
import MomentsCore

/// The requests effects make, so `EffectRunner` can be tested without a server. Writes carry
/// an idempotency key: sent again under it, a write that already happened happens once.
protocol MomentsService: MomentsWriting {
    func feedPage(before: Int64?) async throws -> FeedPage
    func notificationPage() async throws -> NotificationPage
    func markRead(upTo: Int64, idempotencyKey: String?) async throws -> UnreadCount
}

extension MomentsAPI: MomentsService {
    func feedPage(before: Int64?) async throws -> FeedPage { try await feed(before: before) }

    func notificationPage() async throws -> NotificationPage { try await notifications() }
}
