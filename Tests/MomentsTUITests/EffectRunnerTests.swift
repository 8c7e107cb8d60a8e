import Foundation
import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsTUI

@Suite("EffectRunner: effect → request → action")
struct EffectRunnerTests {
    /// Answers every request from memory and records what was asked.
    final class FakeService: MomentsService {
        let calls = NIOLockedValueBox<[String]>([])
        let keys = NIOLockedValueBox<[String?]>([])
        let failure: (any Error)?
        /// Fails only this many times (all when nil), then answers.
        let failures: Int?

        init(failing failure: (any Error)? = nil, times: Int? = nil) {
            self.failure = failure
            failures = times
        }

        private func record(_ call: String, key: String? = nil) throws {
            let attempt = calls.withLockedValue { calls in
                calls.append(call)
                return calls.count
            }
            keys.withLockedValue { $0.append(key) }
            if let failure, attempt <= failures ?? .max { throw failure }
        }

        func like(postId: Int64, idempotencyKey: String?) async throws -> Post {
            try record("like \(postId)", key: idempotencyKey)
            return post(postId, likers: [alice])
        }
        func unlike(postId: Int64, idempotencyKey: String?) async throws -> Post {
            try record("unlike \(postId)", key: idempotencyKey)
            return post(postId)
        }
        func comment(postId: Int64, text: String, idempotencyKey: String?) async throws -> MomentsCore.Comment {
            try record("comment \(postId) \(text)", key: idempotencyKey)
            return MomentsCore.Comment(id: 70, postId: postId, author: alice, text: text, createdAt: t0)
        }
        func createPost(text: String, idempotencyKey: String?) async throws -> Post {
            try record("post \(text)", key: idempotencyKey)
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
        func markRead(upTo: Int64, idempotencyKey: String?) async throws -> UnreadCount {
            try record("read \(upTo)", key: idempotencyKey)
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
            service.calls.withLockedValue { $0 } == [
                "like 3", "unlike 3", "comment 3 好", "post hi", "feed newest", "feed 5", "notifications", "read 9",
            ])
    }

    @Test("a failure reports the server's message, or the error's description")
    func failures() async {
        let refusing = FakeService(failing: ClientError.api(status: 404, code: "not_found", message: "no such post"))
        let rejected = EffectRunner(service: refusing, retryDelays: [.zero, .zero])
        #expect(await rejected.run(.like(postId: 3)) == .likeSettled(postId: 3, .failure("no such post")))
        #expect(refusing.calls.withLockedValue { $0.count } == 1, "a refusal is not sent again")
        let offline = ClientError.transport("connection refused")
        let away = FakeService(failing: offline)
        let unreachable = EffectRunner(service: away, retryDelays: [.zero, .zero])
        #expect(await unreachable.run(.createPost(text: "x")) == .postSettled(.failure(offline.description)))
        #expect(away.calls.withLockedValue { $0.count } == 3, "sent, then once after each delay")
    }

    @Test("a write that fails in passing is sent again under the same key; each write has a key of its own")
    func retriesUnderOneKey() async {
        let restarting = FakeService(
            failing: ClientError.api(status: 503, code: "server_full", message: "busy"), times: 2)
        let runner = EffectRunner(service: restarting, retryDelays: [.zero, .zero, .zero])
        #expect(
            await runner.run(.comment(postId: 3, text: "好", placeholderId: -2))
                == .commentSettled(
                    placeholderId: -2, postId: 3,
                    .success(MomentsCore.Comment(id: 70, postId: 3, author: alice, text: "好", createdAt: t0))))
        let keys = restarting.keys.withLockedValue { $0 }
        #expect(keys.count == 3 && Set(keys).count == 1 && keys[0] != nil)
        _ = await runner.run(.like(postId: 3))
        #expect(restarting.keys.withLockedValue { $0 }.last != keys[0])
        #expect(
            EffectRunner.passes(.transport("reset")) && EffectRunner.passes(.api(status: 429, code: "", message: "")))
        #expect(!EffectRunner.passes(.api(status: 422, code: "idempotency_key_reused", message: "")))
    }
}
