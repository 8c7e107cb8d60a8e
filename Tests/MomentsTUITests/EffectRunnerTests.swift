import Foundation
import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

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
        func comment(postId: Int64, text: String, replyTo: Int64?, idempotencyKey: String?) async throws
            -> MomentsCore.Comment
        {
            try record("comment \(postId) \(text)\(replyTo.map { " reply \($0)" } ?? "")", key: idempotencyKey)
            return MomentsCore.Comment(id: 70, postId: postId, author: alice, text: text, createdAt: t0)
        }
        func createPost(
            text: String, audience: Audience?, mentions: [String]?, media: [MediaAttachment]?, idempotencyKey: String?
        ) async throws -> Post {
            let pictures = media.map { " 📷" + $0.map(\.alt).joined(separator: ",") } ?? ""
            try record(
                "post \(text)\(mentions.map { " @" + $0.joined(separator: ",") } ?? "")\(pictures)", key: idempotencyKey
            )
            return post(8, text)
        }
        func uploadMedia(_ bytes: [UInt8], idempotencyKey: String?) async throws -> MediaUploaded {
            try record("upload \(bytes.count) bytes", key: idempotencyKey)
            return MediaUploaded(id: "m\(bytes.count)", width: 1, height: 1)
        }
        func feedPage(before: Int64?) async throws -> FeedPage {
            try record("feed \(before.map(String.init) ?? "newest")")
            return FeedPage(posts: [post(1)], nextBefore: nil)
        }
        func notificationPage() async throws -> NotificationPage {
            try record("notifications")
            return NotificationPage(notifications: [], unread: 0, cursor: 0)
        }
        func groupPage() async throws -> GroupedNotificationPage {
            try record("groups")
            return GroupedNotificationPage(groups: [], unread: 0, cursor: 0, nextBefore: nil)
        }
        func deleteComment(postId: Int64, commentId: Int64, idempotencyKey: String?) async throws {
            try record("delete comment \(commentId) of \(postId)", key: idempotencyKey)
        }
        func deletePost(_ id: Int64, idempotencyKey: String?) async throws {
            try record("delete post \(id)", key: idempotencyKey)
        }
        func markRead(upTo: Int64, idempotencyKey: String?) async throws -> UnreadCount {
            try record("read \(upTo)", key: idempotencyKey)
            return UnreadCount(unread: 2)
        }
        func wholePost(_ id: Int64) async throws -> Post {
            try record("post \(id)")
            return post(id)
        }
        func friendLists() async throws -> FriendsScreen.Lists {
            try record("friends")
            return FriendsScreen.Lists(friends: [alice], requests: FriendRequests(incoming: [], outgoing: []))
        }
        func requestFriend(_ user: String, note: String?, idempotencyKey: String?) async throws
            -> FriendRequestOutcome
        {
            try record("request \(user) \(note ?? "")", key: idempotencyKey)
            return .sent(FriendRequest(id: 3, to: UserSummary(id: user, name: user), note: note ?? "", createdAt: t0))
        }
        func answerFriendRequest(_ id: Int64, accept: Bool, idempotencyKey: String?) async throws -> Bool {
            try record("\(accept ? "accept" : "decline") \(id)", key: idempotencyKey)
            return accept
        }
        func unfriend(_ user: String, idempotencyKey: String?) async throws {
            try record("unfriend \(user)", key: idempotencyKey)
        }
    }

    /// Runs the runner's outbox until `done` holds for what it reported (at most 30 s).
    func reports(
        _ runner: EffectRunner, until done: @escaping @Sendable ([Action]) -> Bool
    ) async throws -> [Action] {
        let seen = NIOLockedValueBox<[Action]>([])
        let sending = Task {
            await runner.outbox.run { event in
                let actions = await runner.report(event)
                seen.withLockedValue { $0 += actions }
            }
        }
        defer { sending.cancel() }
        let deadline = ContinuousClock.now + .seconds(30)
        while !done(seen.withLockedValue { $0 }) {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
        return seen.withLockedValue { $0 }
    }

    static let comment = MomentsCore.Comment(id: 70, postId: 3, author: alice, text: "好", createdAt: t0)

    @Test("reads report at once; writes go through the outbox, in order, and their answers settle them")
    func mapping() async throws {
        let service = FakeService()
        let runner = EffectRunner(service: service)
        let page = FeedPage(posts: [post(1)], nextBefore: nil)
        #expect(await runner.run(.loadFeed(before: nil)) == .feedLoaded(.success(page), appending: false))
        #expect(await runner.run(.loadFeed(before: 5)) == .feedLoaded(.success(page), appending: true))
        #expect(
            await runner.run(.loadNotifications)
                == .notificationsLoaded(.success(NotificationPage(notifications: [], unread: 0, cursor: 0))))
        #expect(await runner.run(.markRead(upTo: 9)) == .markedRead(.success(2)))
        #expect(await runner.run(.quit) == nil)

        #expect(await runner.run(.like(postId: 3)) == .outboxWaiting(count: 1, offline: false))
        #expect(await runner.run(.unlike(postId: 3)) == .outboxWaiting(count: 2, offline: false))
        _ = await runner.run(.comment(postId: 3, text: "好", placeholderId: -2))
        _ = await runner.run(.createPost(text: "hi"))
        let actions = try await reports(runner) { $0.contains(.outboxWaiting(count: 0, offline: false)) }
        #expect(
            actions.filter { if case .outboxWaiting = $0 { false } else { true } } == [
                .likeSettled(postId: 3, .success(post(3, likers: [alice]))),
                .likeSettled(postId: 3, .success(post(3))),
                .commentSettled(placeholderId: -2, postId: 3, .success(Self.comment)),
                .postSettled(.success(post(8, "hi"))),
            ])
        #expect(
            service.calls.withLockedValue { $0 } == [
                "feed newest", "feed 5", "notifications", "read 9", "like 3", "unlike 3", "comment 3 好", "post hi",
            ])
    }

    @Test("a post's pictures are read when it is kept, uploaded first under keys of their own, then named by the post")
    func postWithPictures() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pictures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (one, two) = (folder.appendingPathComponent("one.jpg"), folder.appendingPathComponent("two.png"))
        try Data(repeating: 1, count: 3).write(to: one)
        try Data(repeating: 2, count: 5).write(to: two)
        let service = FakeService()
        let runner = EffectRunner(service: service)
        _ = await runner.run(
            .createPost(
                text: "", pictures: [PictureDraft(path: one.path, alt: "first"), PictureDraft(path: two.path, alt: "")])
        )
        // Changed after it was kept: what was attached is what goes.
        try Data(repeating: 9, count: 7).write(to: one)
        _ = try await reports(runner) { $0.contains(.outboxWaiting(count: 0, offline: false)) }
        #expect(service.calls.withLockedValue { $0 } == ["upload 3 bytes", "upload 5 bytes", "post  📷first,"])
        let keys = service.keys.withLockedValue { $0 }.compactMap { $0 }
        #expect(keys.count == 3 && keys[0] == keys[2] + ".picture-0" && keys[1] == keys[2] + ".picture-1")

        // A file gone before it is kept: the post goes back to the editor, saying why.
        let missing = folder.appendingPathComponent("gone.jpg").path
        #expect(
            await runner.run(.createPost(text: "x", pictures: [PictureDraft(path: missing, alt: "")]))
                == .postRefused(text: "x", reason: "cannot read \(missing)"))
    }

    @Test(
        "a refusal settles with the server's words: a like rolls back, a post goes back to the editor, a comment stays to retry"
    )
    func refusals() async throws {
        let refusing = FakeService(
            failing: ClientError.api(status: 404, code: "not_found", message: "no such post"), times: 3)
        let runner = EffectRunner(service: refusing)
        _ = await runner.run(.like(postId: 3))
        _ = await runner.run(.createPost(text: "my words"))
        _ = await runner.run(.comment(postId: 3, text: "好", placeholderId: -2))
        let actions = try await reports(runner) { $0.contains { if case .commentRefused = $0 { true } else { false } } }
        #expect(actions.contains(.likeSettled(postId: 3, .failure("no such post"))))
        #expect(actions.contains(.postRefused(text: "my words", reason: "no such post")))
        #expect(actions.contains(.commentRefused(placeholderId: -2, postId: 3, reason: "no such post")))
        #expect(refusing.calls.withLockedValue { $0.count } == 3, "a refusal is not sent again by itself")
        #expect(await runner.outbox.entries.map(\.write) == [.comment(postId: 3, text: "好")])

        // Sent again by the user, under the same key; now the server takes it.
        _ = await runner.run(.retryComment(placeholderId: -2, postId: 3, text: "好"))
        let retried = try await reports(runner) { $0.contains { if case .commentSettled = $0 { true } else { false } } }
        #expect(retried.contains(.commentSettled(placeholderId: -2, postId: 3, .success(Self.comment))))
        let keys = refusing.keys.withLockedValue { $0 }
        #expect(keys[2] == keys[3])
        #expect(await runner.outbox.entries.isEmpty)
    }

    @Test("while the server is unreachable or busy a write waits, and goes again under the same key until answered")
    func waitsUnderOneKey() async throws {
        let restarting = FakeService(failing: ClientError.transport("connection refused"), times: 3)
        let runner = EffectRunner(service: restarting)
        _ = await runner.run(.comment(postId: 3, text: "好", placeholderId: -2))
        let actions = try await reports(runner) { $0.contains { if case .commentSettled = $0 { true } else { false } } }
        #expect(actions.filter { $0 == .outboxWaiting(count: 1, offline: true) }.count == 3)
        #expect(actions.contains(.commentSettled(placeholderId: -2, postId: 3, .success(Self.comment))))
        let keys = restarting.keys.withLockedValue { $0 }
        #expect(keys.count == 4 && Set(keys).count == 1 && keys[0] != nil)
        _ = await runner.run(.like(postId: 3))
        _ = try await reports(runner) { $0.contains { if case .likeSettled = $0 { true } else { false } } }
        #expect(restarting.keys.withLockedValue { $0 }.last != keys[0], "each write has a key of its own")
        #expect(Outbox.passes(.transport("reset")) && Outbox.passes(.api(status: 429, code: "", message: "")))
        #expect(!Outbox.passes(.api(status: 422, code: "idempotency_key_reused", message: "")))
    }

    @Test("a read that fails says so in a person's words: the server's message, or 'server unreachable'")
    func readFailures() async {
        let refusing = EffectRunner(
            service: FakeService(failing: ClientError.api(status: 404, code: "not_found", message: "no such post")))
        #expect(await refusing.run(.loadNotifications) == .notificationsLoaded(.failure("no such post")))
        let away = EffectRunner(
            service: FakeService(failing: ClientError.transport("connection reset (error set): Connection refused")),
            retryDelays: [.zero])
        #expect(await away.run(.loadFeed(before: nil)) == .feedLoaded(.failure("server unreachable"), appending: false))
        #expect(await away.run(.markRead(upTo: 3)) == .markedRead(.failure("server unreachable")))
    }
}
