import Foundation
import GRDB
import Logging
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// One behaviour contract, run against both stores so they cannot drift apart.
@Suite("Store contract: SQLite and PostgreSQL")
struct StoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite
        /// SQLite on an in-memory GRDB queue: what a test of anything above the store can use.
        case sqliteInMemory
        case postgres

        var testDescription: String { rawValue }

        /// SQLite always; PostgreSQL when the test instance is there (else the reason is printed).
        static var available: [Backend] {
            guard TestPostgres.isConfigured else {
                print("◇ PostgreSQL store contract skipped: \(TestPostgres.skipReason)")
                return [.sqlite, .sqliteInMemory]
            }
            return allCases
        }

        /// A fresh, empty store with alice, bob and carol (friends of alice) and dave (nobody's friend).
        func makeStore() async throws -> any MomentsStore {
            let store = try await makeEmptyStore()
            for (id, name) in [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol"), ("dave", "Dave")] {
                try await store.saveUser(id: id, name: name)
            }
            try await store.befriend("alice", "bob")
            try await store.befriend("alice", "carol")
            return store
        }

        func makeEmptyStore() async throws -> any MomentsStore {
            let store: any MomentsStore
            switch self {
            case .sqlite:
                let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "contract-\(UUID().uuidString).sqlite")
                store = try SQLiteStore(path: path.path, sink: NoSink())
            case .sqliteInMemory:
                store = try SQLiteStore(writer: try DatabaseQueue(), sink: NoSink())
            case .postgres:
                store = try await PostgresStore.open(
                    PostgresAddress(try await TestPostgres.createDatabase()),
                    connectionWait: TestPostgres.connectionWait,
                    logger: Logger(label: "contract", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
            #expect(try await store.isEmpty())
            return store
        }
    }

    struct NoSink: EventSink {
        func publish(_ events: [StoredEvent]) {}
    }

    @Test(
        "the demo has a past: posts of the last days, likes and comments after their posts; what follows is now",
        arguments: Backend.available)
    func demoPast(_ backend: Backend) async throws {
        let store = try await backend.makeEmptyStore()
        #expect(try await DemoSeed.seedIfEmpty(store))
        let now = Date()
        let posts = try await store.feed(viewer: "alice", before: nil, limit: 20).posts
        let ages = posts.map { now.timeIntervalSince($0.createdAt) }
        #expect(ages == ages.sorted())  // newest first, as their ids
        #expect(ages.first.map { $0 > 30 * 60 && $0 < 3600 } == true, "\(ages)")
        #expect(ages.last.map { $0 > 2 * 86400 } == true, "\(ages)")
        for post in posts {
            #expect(post.comments.allSatisfy { $0.createdAt > post.createdAt })
        }
        let notifications = try await store.notifications(user: "alice", before: nil, limit: 20)
        #expect(notifications.notifications.allSatisfy { now.timeIntervalSince($0.createdAt) > 60 })
        let fresh = try await store.createPost(author: "alice", text: "now")
        #expect(abs(fresh.createdAt.timeIntervalSinceNow) < 60)
    }

    @Test(
        "a new post reaches each friend's stream as a post event: born read, never listed or counted as unread",
        arguments: Backend.available)
    func postEvents(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let before = try await store.streamPosition(user: "bob").cursor
        let unread = try await store.streamPosition(user: "bob").unread
        let post = try await store.createPost(author: "alice", text: "大家好，新帖子")
        for friend in ["bob", "carol"] {
            let events = try await store.events(user: friend, after: 0, limit: 100)
            let announced = events.filter { $0.type == .post }
            #expect(announced.count == 1, "\(friend)")
            #expect(announced.first?.postId == post.id && announced.first?.actor?.id == "alice")
            #expect(announced.first?.text == "大家好，新帖子" && announced.first?.postExcerpt == "大家好，新帖子")
        }
        // Dave is nobody's friend, and the author does not hear of her own post.
        #expect(try await store.events(user: "dave", after: 0, limit: 100).isEmpty)
        #expect(try await store.events(user: "alice", after: 0, limit: 100).allSatisfy { $0.type != .post })
        #expect(try await store.streamPosition(user: "bob").cursor > before)
        #expect(try await store.streamPosition(user: "bob").unread == unread)
        let listed = try await store.notifications(user: "bob", before: nil, limit: 50)
        #expect(listed.notifications.allSatisfy { $0.type != .post })
    }

    @Test("users and friends", arguments: Backend.available)
    func usersAndFriends(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        #expect(!(try await store.isEmpty()))
        #expect(try await store.saveUser(id: "bob", name: "Robert") == UserSummary(id: "bob", name: "Robert"))
        #expect(try await store.saveUser(id: "bob", name: nil) == UserSummary(id: "bob", name: "Robert"))
        #expect(try await store.saveUser(id: "erin", name: nil) == UserSummary(id: "erin", name: "erin"))
        #expect(try await store.user(id: "nobody") == nil)
        await #expect(throws: StoreError.notFound("no user nobody")) { try await store.befriend("alice", "nobody") }
        let me = try await store.me("alice")
        #expect(me.friends.map(\.id) == ["bob", "carol"])
        #expect(me.unread == 0 && me.cursor == 0)
        #expect(try await store.me("dave").friends.isEmpty)
        await store.close()
    }

    @Test("feed: own and friends' posts, newest first, paged; others' posts invisible", arguments: Backend.available)
    func feed(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        var ids: [Int64] = []
        for (author, text) in [("alice", "一"), ("bob", "二"), ("dave", "secret"), ("carol", "三"), ("alice", "四")] {
            ids.append(try await store.createPost(author: author, text: text).id)
        }
        #expect(ids == ids.sorted())
        let first = try await store.feed(viewer: "alice", before: nil, limit: 2)
        #expect(first.posts.map(\.text) == ["四", "三"])
        let second = try await store.feed(viewer: "alice", before: first.nextBefore, limit: 10)
        #expect(second.posts.map(\.text) == ["二", "一"])
        #expect(second.nextBefore == nil)
        #expect(try await store.feed(viewer: "bob", before: nil, limit: 10).posts.map(\.text) == ["四", "二", "一"])
        await #expect(throws: StoreError.notFound("no post \(ids[2])")) {
            try await store.like(viewer: "alice", postId: ids[2])
        }
        await #expect(throws: StoreError.notFound("no post \(ids[2])")) {
            try await store.comment(viewer: "alice", postId: ids[2], text: "hi")
        }
        await #expect(throws: StoreError.notFound("no post 999999")) {
            try await store.unlike(viewer: "alice", postId: 999_999)
        }
        await store.close()
    }

    @Test(
        "likes: idempotent, likers in order, one event; unlike retracts it and is born read",
        arguments: Backend.available)
    func likes(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: String(repeating: "长", count: 50))
        _ = try await store.like(viewer: "bob", postId: post.id)
        let twice = try await store.like(viewer: "bob", postId: post.id)
        let byCarol = try await store.like(viewer: "carol", postId: post.id)
        _ = try await store.like(viewer: "alice", postId: post.id)  // one's own like notifies nobody
        #expect(twice.likeCount == 1 && twice.likedByMe)
        #expect(byCarol.likers.map(\.id) == ["carol"], "bob is a stranger to carol")
        #expect(try await store.post(id: post.id, viewer: "alice").likers.map(\.id) == ["bob", "carol", "alice"])

        var events = try await store.streamEvents(user: "alice", after: 0, limit: 10)
        #expect(events.map(\.type) == [.like, .like])
        #expect(events.map(\.actor?.id) == ["bob", "carol"])
        #expect(events.allSatisfy { $0.unread == 2 && $0.postExcerpt == String(repeating: "长", count: 39) + "…" })

        let after = try await store.unlike(viewer: "bob", postId: post.id)
        #expect(after.likers.map(\.id) == ["alice"] && !after.likedByMe)
        _ = try await store.unlike(viewer: "bob", postId: post.id)
        events = try await store.streamEvents(user: "alice", after: 0, limit: 10)
        #expect(events.map(\.type) == [.like, .like, .unlike])
        let page = try await store.notifications(user: "alice", before: nil, limit: 10)
        #expect(page.position.unread == 1)
        #expect(page.notifications.map(\.read) == [true, false, true])  // unlike, carol's like, bob's retracted like
        await store.close()
    }

    @Test("comments reach the author and earlier commenters, never the commenter", arguments: Backend.available)
    func comments(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "饺子")
        let first = try await store.comment(viewer: "bob", postId: post.id, text: "我要来！")
        _ = try await store.comment(viewer: "carol", postId: post.id, text: "me too\nline two")
        _ = try await store.comment(viewer: "alice", postId: post.id, text: "come!")
        #expect(first.author.id == "bob" && first.postId == post.id)
        #expect(try await store.streamEvents(user: "alice", after: 0, limit: 10).map(\.actor?.id) == ["bob", "carol"])
        // Bob and Carol, Alice's friends, also have the post itself in their streams; Bob and
        // Carol are strangers, so neither hears of the other's comment.
        let bobs = try await store.streamEvents(user: "bob", after: 0, limit: 10)
        #expect(bobs.map(\.type) == [.post, .comment])
        #expect(bobs.map(\.actor?.id) == ["alice", "alice"])
        #expect(try await store.streamEvents(user: "carol", after: 0, limit: 10).map(\.text) == ["饺子", "come!"])
        let feed = try await store.feed(viewer: "bob", before: nil, limit: 1).posts[0]
        #expect(feed.comments.map(\.text) == ["我要来！", "come!"])
        #expect(feed.commentCount == 2)
        let alices = try await store.post(id: post.id, viewer: "alice")
        #expect(alices.comments.map(\.text) == ["我要来！", "me too\nline two", "come!"])
        await store.close()
    }

    @Test("notifications page newest first; mark read; stream position and cursor replay", arguments: Backend.available)
    func notificationsAndCursor(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "p")
        for user in ["bob", "carol"] { _ = try await store.like(viewer: user, postId: post.id) }
        _ = try await store.comment(viewer: "bob", postId: post.id, text: "c")
        let all = try await store.streamEvents(user: "alice", after: 0, limit: 10)
        #expect(all.count == 3)
        let position = try await store.streamPosition(user: "alice")
        #expect(position == StreamPosition(cursor: all[2].id, unread: 3))
        #expect(try await store.streamEvents(user: "alice", after: all[0].id, limit: 1).map(\.id) == [all[1].id])

        let newest = try await store.notifications(user: "alice", before: nil, limit: 2)
        #expect(newest.notifications.map(\.id) == [all[2].id, all[1].id])
        #expect(newest.position.cursor == all[2].id)
        #expect(
            try await store.notifications(user: "alice", before: all[1].id, limit: 2).notifications.map(\.id) == [
                all[0].id
            ])

        #expect(try await store.markRead(user: "alice", upTo: all[1].id) == 1)
        #expect(try await store.markRead(user: "bob", upTo: Int64.max) == 0)
        #expect(try await store.streamPosition(user: "alice").unread == 1)
        #expect(try await store.streamEvents(user: "alice", after: all[1].id, limit: 10).first?.unread == 1)
        #expect(try await store.streamPosition(user: "dave") == StreamPosition(cursor: 0, unread: 0))
        await store.close()
    }

    @Test(
        "an event type this build does not know is kept and replayed under its own name, never read as another",
        arguments: Backend.available)
    func unknownEventType(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "p")
        try await store.storeEventOfANewerNode(recipient: "alice", type: "reaction", actor: "bob", postId: post.id)
        _ = try await store.like(viewer: "carol", postId: post.id)
        let events = try await store.streamEvents(user: "alice", after: 0, limit: 10)
        #expect(events.map(\.kind) == [.unknown("reaction"), .known(.like)])
        #expect(events[0].actor?.id == "bob" && events[0].postId == post.id && events[0].type == nil)
        let listed = try await store.notifications(user: "alice", before: nil, limit: 10)
        #expect(listed.notifications.map(\.kind.name) == ["like", "reaction"])
        await store.close()
    }

    @Test(
        "unread counts always equal the unread notifications, through likes, unlikes, comments, publishes and reads",
        arguments: Backend.available)
    func unreadCountsStayTrue(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let users = ["alice", "bob", "carol"]
        func check(_ step: String) async throws {
            for user in users + ["dave"] {
                let page = try await store.notifications(user: user, before: nil, limit: 200)
                let unreadEntries = page.notifications.filter { !$0.read }.count
                #expect(page.position.unread == unreadEntries, "\(user) after \(step)")
                #expect(try await store.streamPosition(user: user).unread == unreadEntries, "\(user) after \(step)")
            }
        }
        let posts = [
            try await store.createPost(author: "alice", text: "a"),
            try await store.createPost(author: "bob", text: "b"),
        ]
        for round in 0..<3 {
            for viewer in users {
                for post in posts where post.author.id != viewer || round == 2 {
                    _ = try? await store.like(viewer: viewer, postId: post.id)
                    _ = try? await store.comment(viewer: viewer, postId: post.id, text: "r\(round)")
                }
            }
            try await check("round \(round) of likes and comments")
            _ = try await store.unlike(viewer: "carol", postId: posts[0].id)
            try await check("an unlike")
            _ = try await store.publish(to: nil, data: "{\"round\":\(round)}")
            _ = try await store.publish(to: ["bob"], data: "1")
            try await check("publishes")
            let alice = try await store.notifications(user: "alice", before: nil, limit: 200)
            if let middle = alice.notifications.dropFirst(alice.notifications.count / 2).first {
                _ = try await store.markRead(user: "alice", upTo: middle.id)
            }
            _ = try await store.markRead(user: "bob", upTo: Int64.max)
            try await check("reads")
        }
        await store.close()
    }

    @Test(
        "a reader following one user's cursor during concurrent writes sees every event once, in order",
        arguments: Backend.available)
    func cursorUnderConcurrentWrites(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "busy")
        let writers = ["bob", "carol", "dave"]
        try await store.befriend("alice", "dave")
        let rounds = 40
        let writing = NIOLockedValueBox(true)
        let reader = Task { () -> [Int64] in
            var seen: [Int64] = []
            var cursor: Int64 = 0
            while true {
                let stillWriting = writing.withLockedValue { $0 }
                let events = try await store.streamEvents(user: "alice", after: cursor, limit: 100)
                seen += events.map(\.id)
                cursor = events.last?.id ?? cursor
                // After the last write, one empty read means the reader has caught up.
                if events.isEmpty { if stillWriting { await Task.yield() } else { return seen } }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in writers {
                group.addTask {
                    for round in 0..<rounds {
                        _ = try await store.comment(viewer: writer, postId: post.id, text: "\(round)")
                    }
                }
            }
            try await group.waitForAll()
        }
        writing.withLockedValue { $0 = false }
        let seen = try await within { try await reader.value }
        let stored = try await store.streamEvents(user: "alice", after: 0, limit: 1000).map(\.id)
        let missed = Set(stored).subtracting(seen).sorted()
        #expect(missed.isEmpty, "the reader skipped events committed after later ids: \(missed)")
        #expect(seen == stored, "the reader repeated or reordered events")
        #expect(stored.count == writers.count * rounds)
        await store.close()
    }
}

extension MomentsStore {
    /// An event as a newer build might store it, written past this build's rules.
    func storeEventOfANewerNode(recipient: String, type: String, actor: String, postId: Int64) async throws {
        switch self {
        case let sqlite as SQLiteStore:
            try await sqlite.pool.write { db in
                try db.execute(
                    sql:
                        "INSERT INTO events (recipient_id, type, actor_id, post_id, created_at, read) VALUES (?, ?, ?, ?, ?, 0)",
                    arguments: [recipient, type, actor, postId, StoreClock.now()])
            }
        case let postgres as PostgresStore:
            try await postgres.pool.run(
                """
                INSERT INTO events (recipient_id, type, actor_id, post_id, created_at, read)
                VALUES (\(recipient), \(type), \(actor), \(postId), \(StoreClock.now()), false)
                """, logger: postgres.logger)
        default:
            throw TestFailure("no way to write into \(Swift.type(of: self))")
        }
    }

    /// One user's stream.
    func streamEvents(user: String, after cursor: Int64, limit: Int) async throws -> [StoredEvent] {
        try await events(user: user, after: cursor, limit: limit)
    }
}
