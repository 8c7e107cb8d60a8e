import Foundation
import MomentsClient
import MomentsCore
import Synchronization
import Testing

@testable import MomentsTUI

@Suite("EffectRunner: effect → request → action")
struct EffectRunnerTests {
    /// Answers every request from memory and records what was asked.
    final class FakeService: MomentsService {
        let calls = Mutex<[String]>([])
        let failure: (any Error)?

        init(failing failure: (any Error)? = nil) { self.failure = failure }

        private func record(_ call: String) throws {
            calls.withLock { $0.append(call) }
            if let failure { throw failure }
        }

        func like(postId: Int64) async throws -> Post {
            try record("like \(postId)")
            return post(postId, likers: [alice])
        }
        func unlike(postId: Int64) async throws -> Post {
            try record("unlike \(postId)")
            return post(postId)
        }
        func comment(postId: Int64, text: String) async throws -> MomentsCore.Comment {
            try record("comment \(postId) \(text)")
            return MomentsCore.Comment(id: 70, postId: postId, author: alice, text: text, createdAt: t0)
        }
        func createPost(text: String) async throws -> Post {
            try record("post \(text)")
            return post(8, text)
        }
        func feedPage(before: Int64?) async throws -> FeedPage {
            try record("feed \(before.map(String.init) ?? "newest")")
            return FeedPage(posts: [post(1)], nextBefore: nil)
        }
        func notificationPage() async throws -> NotificationPage {
            try record("notifications")
            return NotificationPage(notifications: [], unread: 0, cursor: 0)
        }
        func markRead(upTo: Int64) async throws -> UnreadCount {
            try record("read \(upTo)")
            return UnreadCount(unread: 2)
        }
    }

    @Test("each effect makes its request and reports the answer as its action")
    func mapping() async {
        let service = FakeService()
        let runner = EffectRunner(service: service)
        #expect(await runner.run(.like(postId: 3)) == .likeSettled(postId: 3, .success(post(3, likers: [alice]))))
        #expect(await runner.run(.unlike(postId: 3)) == .likeSettled(postId: 3, .success(post(3))))
        #expect(
            await runner.run(.comment(postId: 3, text: "好", placeholderId: -2))
                == .commentSettled(
                    placeholderId: -2, postId: 3,
                    .success(MomentsCore.Comment(id: 70, postId: 3, author: alice, text: "好", createdAt: t0))))
        #expect(await runner.run(.createPost(text: "hi")) == .postSettled(.success(post(8, "hi"))))
        let page = FeedPage(posts: [post(1)], nextBefore: nil)
        #expect(await runner.run(.loadFeed(before: nil)) == .feedLoaded(.success(page), appending: false))
        #expect(await runner.run(.loadFeed(before: 5)) == .feedLoaded(.success(page), appending: true))
        #expect(
            await runner.run(.loadNotifications)
                == .notificationsLoaded(.success(NotificationPage(notifications: [], unread: 0, cursor: 0))))
        #expect(await runner.run(.markRead(upTo: 9)) == .markedRead(.success(2)))
        #expect(await runner.run(.quit) == nil)
        #expect(
            service.calls.withLock { $0 } == [
                "like 3", "unlike 3", "comment 3 好", "post hi", "feed newest", "feed 5", "notifications", "read 9",
            ])
    }

    @Test("a failure reports the server's message, or the error's description")
    func failures() async {
        let rejected = EffectRunner(
            service: FakeService(failing: ClientError.api(status: 404, code: "not_found", message: "no such post")))
        #expect(await rejected.run(.like(postId: 3)) == .likeSettled(postId: 3, .failure("no such post")))
        let offline = ClientError.transport("connection refused")
        let unreachable = EffectRunner(service: FakeService(failing: offline))
        #expect(await unreachable.run(.createPost(text: "x")) == .postSettled(.failure(offline.description)))
    }
}
