import Foundation
import MomentsCore
import Testing

@testable import MomentsStore

/// Deletes, replies, mentions and grouped notifications on both stores. The cast of
/// `StoreContractTests`: alice is friends with bob and with carol; bob and carol are
/// strangers; dave is nobody's friend.
@Suite("Store contract: deletes, replies, mentions, groups, on SQLite and PostgreSQL")
struct DeleteReplyContractTests {
    typealias Backend = StoreContractTests.Backend
    typealias View = PrivacyContractTests.View

    static func view(_ store: any MomentsStore, _ user: String) async throws -> View {
        try await PrivacyContractTests.view(store, user)
    }

    static func types(_ store: any MomentsStore, _ user: String) async throws -> [String] {
        try await store.events(user: user, after: 0, limit: 1000).map(\.kind.name)
    }

    @Test(
        "a comment deleted by its author: gone from every read, told to whoever saw it, idempotent",
        arguments: Backend.available)
    func deleteOwnComment(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "今天包了饺子")
        let comment = try await store.comment(viewer: "bob", postId: post.id, text: "typo herre")
        #expect(try await Self.view(store, "alice").unread == 1)

        try await store.deleteComment(by: "bob", postId: post.id, commentId: comment.id)
        let alice = try await Self.view(store, "alice")
        #expect(!alice.words.contains("typo"), "\(backend): \(alice)")
        #expect(alice.unread == 0 && alice.notifications.isEmpty, "\(backend): \(alice)")
        #expect(alice.feed == ["alice:今天包了饺子 likes[] comments[]"])
        #expect(try await store.post(id: post.id, viewer: "alice").commentCount == 0)
        // The notice stays in the stream without its words, the retraction after it.
        let replay = try await store.events(user: "alice", after: 0, limit: 100)
        #expect(replay.map(\.kind.name) == ["comment", "comment_deleted"], "\(backend)")
        #expect(replay[0].text == nil && replay[1].commentId == comment.id && replay[1].postId == post.id)
        #expect(replay[1].read)
        #expect(try await Self.types(store, "bob").suffix(1) == ["comment_deleted"], "\(backend): the author too")
        // carol may see the post but not bob's comment (strangers): told neither.
        #expect(try await Self.types(store, "carol") == ["post"], "\(backend)")

        // Again, by either who could have: done already. Anyone else: no such comment.
        try await store.deleteComment(by: "bob", postId: post.id, commentId: comment.id)
        try await store.deleteComment(by: "alice", postId: post.id, commentId: comment.id)
        #expect(try await Self.types(store, "alice") == ["comment", "comment_deleted"], "\(backend): once")
        for other in ["carol", "dave"] {
            await #expect(throws: StoreError.notFound("no comment \(comment.id)"), "\(backend) \(other)") {
                try await store.deleteComment(by: other, postId: post.id, commentId: comment.id)
            }
        }
        await #expect(throws: StoreError.notFound("no comment 999999")) {
            try await store.deleteComment(by: "alice", postId: post.id, commentId: 999_999)
        }
        await store.close()
    }

    @Test("the post's author deletes a friend's comment; nobody else may", arguments: Backend.available)
    func authorDeletesComment(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "饺子")
        let carols = try await store.comment(viewer: "carol", postId: post.id, text: "carol says hi")
        let bobs = try await store.comment(viewer: "bob", postId: post.id, text: "bob says hi")
        await #expect(throws: StoreError.notFound("no comment \(carols.id)"), "\(backend)") {
            try await store.deleteComment(by: "bob", postId: post.id, commentId: carols.id)
        }
        let other = try await store.createPost(author: "alice", text: "another")
        await #expect(throws: StoreError.notFound("no comment \(bobs.id)"), "\(backend): on another post") {
            try await store.deleteComment(by: "alice", postId: other.id, commentId: bobs.id)
        }
        try await store.deleteComment(by: "alice", postId: post.id, commentId: carols.id)
        #expect(
            try await Self.view(store, "alice").feed == [
                "alice:another likes[] comments[]", "alice:饺子 likes[] comments[bob:bob says hi]",
            ])
        #expect(try await Self.view(store, "alice").unread == 1, "\(backend): bob's comment still counts")
        #expect(try await Self.types(store, "carol") == ["post", "post", "comment_deleted"], "\(backend)")
        #expect(!(try await Self.types(store, "bob").contains("comment_deleted")), "\(backend): bob never saw it")
        await store.close()
    }

    @Test(
        "a post deleted by its author goes with its likes and comments; every notice of it stops counting",
        arguments: Backend.available)
    func deletePost(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "SECRET dumplings", mentions: ["bob"])
        _ = try await store.like(viewer: "bob", postId: post.id)
        let carols = try await store.comment(viewer: "carol", postId: post.id, text: "yum")
        _ = try await store.comment(viewer: "bob", postId: post.id, text: "me too")
        #expect(try await Self.view(store, "alice").unread == 3)
        #expect(try await Self.view(store, "bob").unread == 1, "the mention")
        await #expect(throws: StoreError.notFound("no post \(post.id)"), "\(backend): only its author") {
            try await store.deletePost(by: "bob", postId: post.id)
        }

        try await store.deletePost(by: "alice", postId: post.id)
        for user in ["alice", "bob", "carol"] {
            let view = try await Self.view(store, user)
            #expect(view.feed.isEmpty && view.notifications.isEmpty && view.unread == 0, "\(backend): \(view)")
            #expect(!view.words.contains("SECRET") && !view.words.contains("yum"), "\(backend): \(view)")
            #expect(try await Self.types(store, user).last == "post_deleted", "\(backend) \(user)")
            await #expect(throws: StoreError.notFound("no post \(post.id)")) {
                try await store.post(id: post.id, viewer: user)
            }
        }
        #expect(try await Self.types(store, "dave").isEmpty)
        await #expect(throws: StoreError.notFound("no post \(post.id)")) {
            try await store.like(viewer: "bob", postId: post.id)
        }
        await #expect(throws: StoreError.notFound("no post \(post.id)")) {
            try await store.comment(viewer: "bob", postId: post.id, text: "late")
        }
        try await store.deletePost(by: "alice", postId: post.id)
        await #expect(throws: StoreError.notFound("no post \(post.id)")) {
            try await store.deletePost(by: "carol", postId: post.id)
        }
        // Its comments went with it: deleting one now is done already, for its author only.
        try await store.deleteComment(by: "carol", postId: post.id, commentId: carols.id)
        await #expect(throws: StoreError.notFound("no comment \(carols.id)")) {
            try await store.deleteComment(by: "dave", postId: post.id, commentId: carols.id)
        }
        #expect(try await Self.types(store, "alice").filter { $0 == "post_deleted" }.count == 1, "\(backend)")
        await store.close()
    }

    @Test(
        "a reply names whom it answers, is told to them, and shows only to friends of both",
        arguments: Backend.available)
    func replies(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "饺子")
        let bobs = try await store.comment(viewer: "bob", postId: post.id, text: "hi")
        let reply = try await store.comment(viewer: "alice", postId: post.id, text: "hi bob", replyTo: bobs.id)
        #expect(reply.replyTo == ReplyTo(commentId: bobs.id, user: UserSummary(id: "bob", name: "Bob")))
        let told = try await store.notifications(user: "bob", before: nil, limit: 10).notifications
        #expect(told.map(\.kind.name) == ["comment"] && told[0].replyTo?.user.id == "bob", "\(backend)")

        // carol is alice's friend, but a stranger to bob: no reply, no name.
        let carol = try await Self.view(store, "carol")
        #expect(carol.feed == ["alice:饺子 likes[] comments[]"], "\(backend): \(carol)")
        await #expect(throws: StoreError.notFound("no comment \(bobs.id)"), "\(backend)") {
            try await store.comment(viewer: "carol", postId: post.id, text: "who?", replyTo: bobs.id)
        }
        // carol comments; a later reply to carol is not told to bob, nor shown to him.
        let carols = try await store.comment(viewer: "carol", postId: post.id, text: "我也要")
        _ = try await store.comment(viewer: "alice", postId: post.id, text: "来吧", replyTo: carols.id)
        #expect(!(try await Self.view(store, "bob").words.contains("来吧")), "\(backend)")
        #expect(try await store.notifications(user: "carol", before: nil, limit: 10).notifications.count == 1)

        // The comment answered is deleted: the reply stays, naming bob, with no link.
        try await store.deleteComment(by: "bob", postId: post.id, commentId: bobs.id)
        let alone = try await store.post(id: post.id, viewer: "alice")
        let kept = try #require(alone.comments.first { $0.id == reply.id })
        #expect(kept.replyTo == ReplyTo(commentId: nil, user: UserSummary(id: "bob", name: "Bob")), "\(backend)")
        await #expect(throws: StoreError.notFound("no comment \(bobs.id)")) {
            try await store.comment(viewer: "alice", postId: post.id, text: "late", replyTo: bobs.id)
        }
        await store.close()
    }

    @Test("mentions: friends inside the audience only, each told once, unread", arguments: Backend.available)
    func mentions(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        await #expect(
            throws: StoreError.refused(.invalid("invalid_mention", "dave is not a friend who may see this post"))
        ) {
            try await store.createPost(author: "alice", text: "x", mentions: ["dave"])
        }
        await #expect(
            throws: StoreError.refused(.invalid("invalid_mention", "carol is not a friend who may see this post"))
        ) {
            try await store.createPost(author: "alice", text: "x", audience: .only(["bob"]), mentions: ["carol"])
        }
        #expect(try await Self.types(store, "carol").isEmpty, "\(backend): nothing stored")
        let post = try await store.createPost(author: "alice", text: "看这个", mentions: ["carol"])
        let listed = try await store.notifications(user: "carol", before: nil, limit: 10)
        #expect(listed.notifications.map(\.kind.name) == ["mention"], "\(backend)")
        #expect(listed.notifications[0].postId == post.id && listed.notifications[0].postExcerpt == "看这个")
        #expect(listed.position.unread == 1)
        #expect(try await Self.view(store, "bob").unread == 0)
        await store.close()
    }

    @Test(
        "grouped notifications: one group for a post's likes, one per comment; pages by group",
        arguments: Backend.available)
    func grouped(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        try await store.befriend("alice", "dave")
        let post = try await store.createPost(author: "alice", text: "今天包了饺子")
        _ = try await store.like(viewer: "bob", postId: post.id)
        _ = try await store.comment(viewer: "carol", postId: post.id, text: "好吃")
        _ = try await store.like(viewer: "carol", postId: post.id)
        _ = try await store.like(viewer: "dave", postId: post.id)
        _ = try await store.unlike(viewer: "dave", postId: post.id)
        let page = try await store.notificationGroups(user: "alice", before: nil, limit: 10)
        #expect(page.groups.map(\.type) == [.like, .comment], "\(backend): \(page.groups)")
        #expect(page.groups[0].count == 2 && page.groups[0].actors.map(\.id) == ["carol", "bob"], "\(backend)")
        #expect(page.groups[0].postExcerpt == "今天包了饺子" && page.groups[0].unread)
        #expect(page.groups[1].text == "好吃" && page.groups[1].actors.map(\.id) == ["carol"])
        #expect(page.unread == 3 && page.nextBefore == nil)

        let first = try await store.notificationGroups(user: "alice", before: nil, limit: 1)
        #expect(first.groups.map(\.type) == [.like] && first.nextBefore == first.groups[0].newestId)
        let second = try await store.notificationGroups(user: "alice", before: first.nextBefore, limit: 1)
        #expect(second.groups.map(\.type) == [.comment] && second.nextBefore == nil, "\(backend)")

        // Read, the group stays, no longer unread.
        _ = try await store.markRead(user: "alice", upTo: page.cursor)
        let read = try await store.notificationGroups(user: "alice", before: nil, limit: 10)
        #expect(read.groups.map(\.unread) == [false, false] && read.unread == 0, "\(backend)")
        await store.close()
    }

    @Test("kept answers lose the words of what is deleted", arguments: Backend.available)
    func keptAnswersErased(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let key = IdempotencyKey(scope: "user:alice", key: "k1")
        let post = try await store.createPost(
            author: "alice", text: "SECRET-POST", audience: .friends, mentions: [],
            idempotent: Self.idempotent(key, Post.self) { $0.text })
        let commentKey = IdempotencyKey(scope: "user:bob", key: "k2")
        let comment = try await store.comment(
            viewer: "bob", postId: post.id, text: "SECRET-COMMENT", replyTo: nil,
            idempotent: Self.idempotent(commentKey, Comment.self) { $0.text })
        let likeKey = IdempotencyKey(scope: "user:alice", key: "k3")
        _ = try await store.like(
            viewer: "alice", postId: post.id,
            idempotent: Self.idempotent(likeKey, Post.self) { $0.comments.map(\.text).joined() })
        #expect(try await Self.body(store, likeKey) == "SECRET-COMMENT")

        try await store.deleteComment(by: "bob", postId: post.id, commentId: comment.id)
        let gone = try await store.storedAnswer(for: commentKey, since: 0)
        #expect(gone?.status == 410 && gone?.isErased == true, "\(backend): a repeat is told, not made again")
        #expect(try await Self.body(store, likeKey) == nil, "\(backend): an answer showing it is dropped")
        #expect(try await Self.body(store, key) == "SECRET-POST", "\(backend): the post's own answer never showed it")

        try await store.deletePost(by: "alice", postId: post.id)
        #expect(try await store.storedAnswer(for: key, since: 0)?.status == 410, "\(backend)")
        for kept in [key, commentKey] {
            let body = String(
                decoding: try #require(try await store.storedAnswer(for: kept, since: 0)).body, as: UTF8.self)
            #expect(!body.contains("SECRET"), "\(backend): \(body)")
        }
        await store.close()
    }

    static func idempotent<T>(_ key: IdempotencyKey, _: T.Type, _ words: @escaping @Sendable (T) -> String)
        -> Idempotent<T>
    {
        Idempotent(key: key, fingerprint: "fp", expiredBefore: 0) { (201, Array(words($0).utf8)) }
    }

    static func body(_ store: any MomentsStore, _ key: IdempotencyKey) async throws -> String? {
        try await store.storedAnswer(for: key, since: 0).map { String(decoding: $0.body, as: UTF8.self) }
    }
}
