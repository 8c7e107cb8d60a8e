import Foundation
import MomentsCore
import Testing

@testable import MomentsStore

/// The privacy rules (`Visibility`) on both stores. The cast of `StoreContractTests`: alice is
/// friends with bob and with carol; bob and carol are strangers; dave is nobody's friend.
@Suite("Store contract: privacy, on SQLite and PostgreSQL")
struct PrivacyContractTests {
    typealias Backend = StoreContractTests.Backend

    /// Everything `user` may read: the feed, each post alone, the notifications and a replay.
    struct View: Equatable, CustomStringConvertible {
        var feed: [String]
        var notifications: [String]
        var replay: [String]
        var unread: Int

        var description: String { "feed \(feed) notifications \(notifications) replay \(replay) unread \(unread)" }

        /// Every word of the view, for "nothing of X anywhere" checks.
        var words: String { (feed + notifications + replay).joined(separator: " | ") }
    }

    static func view(_ store: any MomentsStore, _ user: String) async throws -> View {
        let feed = try await store.feed(viewer: user, before: nil, limit: 100).posts
        var lines: [String] = []
        for post in feed {
            let alone = try await store.post(id: post.id, viewer: user)
            #expect(alone.likers == post.likers && alone.commentCount == post.commentCount)
            lines.append(
                "\(post.author.id):\(post.text) likes[\(alone.likers.map(\.id).joined(separator: ","))] "
                    + "comments[\(alone.comments.map { "\($0.author.id):\($0.text)" }.joined(separator: ","))]")
        }
        let listing = try await store.notifications(user: user, before: nil, limit: 200)
        let replay = try await store.events(user: user, after: 0, limit: 1000)
        func line(_ event: StoredEvent) -> String {
            "\(event.kind.name):\(event.actor?.id ?? "-"):\(event.text ?? "")"
        }
        let unreadListed = listing.notifications.filter { !$0.read }.count
        #expect(listing.position.unread == unreadListed, "\(user)'s unread count is what is listed unread")
        return View(
            feed: lines, notifications: listing.notifications.map(line), replay: replay.map(line),
            unread: listing.position.unread)
    }

    @Test("a like or comment is seen only by the maker's friends (and the maker)", arguments: Backend.available)
    func strangersSeeNothingOfEachOther(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "饺子")
        _ = try await store.comment(viewer: "bob", postId: post.id, text: "bob was here")
        _ = try await store.like(viewer: "carol", postId: post.id)
        _ = try await store.comment(viewer: "carol", postId: post.id, text: "carol was here")
        let bob = try await Self.view(store, "bob")
        #expect(!bob.words.contains("carol"), "\(bob)")
        let carol = try await Self.view(store, "carol")
        #expect(!carol.words.contains("bob"), "\(carol)")
        let alice = try await Self.view(store, "alice")
        #expect(alice.feed == ["alice:饺子 likes[carol] comments[bob:bob was here,carol:carol was here]"])
        #expect(alice.unread == 3)

        // Friends now: each sees what the other did, and hears of what follows.
        _ = try await store.befriend("bob", "carol")
        #expect(
            try await Self.view(store, "bob").feed
                == ["alice:饺子 likes[carol] comments[bob:bob was here,carol:carol was here]"])
        _ = try await store.comment(viewer: "carol", postId: post.id, text: "hello bob")
        #expect(try await Self.view(store, "bob").notifications == ["comment:carol:hello bob"])

        // Strangers again: it all goes, the notice too, and it no longer counts.
        try await store.unfriend("bob", "carol")
        let after = try await Self.view(store, "bob")
        #expect(!after.words.replacingOccurrences(of: "unfriended:carol", with: "").contains("carol"), "\(after)")
        #expect(after.unread == 0 && after.notifications.isEmpty)
        #expect(after.replay.last == "unfriended:carol:", "both sides are told, born read")
        #expect(try await Self.view(store, "carol").replay.last == "unfriended:bob:")
        await store.close()
    }

    @Test(
        "the author too: after ending a friendship the other's likes, comments and posts vanish both ways, and come back with a new one",
        arguments: Backend.available)
    func authorIsNotSpecial(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "mine")
        let carols = try await store.createPost(author: "carol", text: "carol's")
        _ = try await store.like(viewer: "carol", postId: post.id)
        _ = try await store.comment(viewer: "carol", postId: post.id, text: "nice")
        #expect(try await Self.view(store, "alice").unread == 2)

        try await store.unfriend("alice", "carol")
        let alice = try await Self.view(store, "alice")
        #expect(alice.feed == ["alice:mine likes[] comments[]"] && alice.unread == 0, "\(alice)")
        await #expect(throws: StoreError.notFound("no post \(post.id)")) {
            try await store.post(id: post.id, viewer: "carol")
        }
        await #expect(throws: StoreError.notFound("no post \(carols.id)")) {
            try await store.like(viewer: "alice", postId: carols.id)
        }
        await #expect(throws: StoreError.notFound("no post \(post.id)")) {
            try await store.comment(viewer: "carol", postId: post.id, text: "still here?")
        }
        #expect(try await Self.view(store, "carol").feed == ["carol:carol's likes[] comments[]"])

        _ = try await store.requestFriend(from: "carol", to: "alice", note: "again?")
        let request = try await store.friendRequests(user: "alice").incoming[0]
        #expect(try await store.answerFriendRequest(id: request.id, by: "alice", accept: true))
        let again = try await Self.view(store, "alice")
        #expect(again.feed.contains("alice:mine likes[carol] comments[carol:nice]"), "\(again)")
        #expect(again.unread == 2, "the unread like and comment count again")
        await store.close()
    }

    @Test("an audience: only, except, private; outside it a post does not exist", arguments: Backend.available)
    func audiences(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let onlyBob = try await store.createPost(author: "alice", text: "for bob", audience: .only(["bob"]))
        let notBob = try await store.createPost(author: "alice", text: "not bob", audience: .except(["bob"]))
        let mine = try await store.createPost(author: "alice", text: "diary", audience: .onlyMe)
        #expect(onlyBob.audience == .only(["bob"]) && onlyBob.audienceLimited)
        #expect(mine.audience == .onlyMe)
        let bobsPost = try await store.post(id: onlyBob.id, viewer: "bob")
        #expect(bobsPost.audience == nil && bobsPost.audienceLimited, "limited is all bob learns")
        #expect(try await store.post(id: notBob.id, viewer: "carol").audienceLimited == false)
        #expect(try await Self.view(store, "bob").feed.map { $0.prefix(13) } == ["alice:for bob"])
        #expect(try await Self.view(store, "carol").feed.map { $0.prefix(13) } == ["alice:not bob"])
        #expect(try await store.events(user: "bob", after: 0, limit: 10).map(\.text) == ["for bob"])
        for (viewer, post) in [("carol", onlyBob), ("bob", notBob), ("bob", mine), ("dave", onlyBob)] {
            await #expect(throws: StoreError.notFound("no post \(post.id)")) {
                try await store.post(id: post.id, viewer: viewer)
            }
            await #expect(throws: StoreError.notFound("no post \(post.id)")) {
                try await store.like(viewer: viewer, postId: post.id)
            }
            await #expect(throws: StoreError.notFound("no post \(post.id)")) {
                try await store.comment(viewer: viewer, postId: post.id, text: "x")
            }
        }
        await #expect(throws: StoreError.refused(.invalid("invalid_audience", "dave is not your friend"))) {
            try await store.createPost(author: "alice", text: "x", audience: .only(["bob", "dave"]))
        }
        await store.close()
    }

    @Test(
        "changing an audience: gainers get the post, losers are told to drop it, and what they were told stops counting",
        arguments: Backend.available)
    func audienceChanges(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        let post = try await store.createPost(author: "alice", text: "party")
        try await store.befriend("bob", "carol")
        _ = try await store.comment(viewer: "carol", postId: post.id, text: "coming")
        _ = try await store.comment(viewer: "bob", postId: post.id, text: "me too")
        #expect(try await Self.view(store, "carol").unread == 1, "bob's comment after hers")

        let changed = try await store.setAudience(author: "alice", postId: post.id, audience: .except(["carol"]))
        #expect(changed.audience == .except(["carol"]))
        let carol = try await Self.view(store, "carol")
        #expect(carol.feed.isEmpty && carol.unread == 0 && carol.notifications.isEmpty, "\(carol)")
        #expect(carol.replay.last == "post_hidden:alice:")
        #expect(try await Self.view(store, "bob").unread == 0, "bob is untouched")
        await #expect(throws: StoreError.notFound("no post \(post.id)")) {
            try await store.setAudience(author: "bob", postId: post.id, audience: .friends)
        }

        _ = try await store.setAudience(author: "alice", postId: post.id, audience: .only(["carol"]))
        let back = try await Self.view(store, "carol")
        #expect(back.unread == 1 && back.replay.last == "post:alice:party", "\(back)")
        let bob = try await Self.view(store, "bob")
        #expect(bob.feed.isEmpty && bob.replay.last == "post_hidden:alice:", "\(bob)")

        // The list is kept as written: a named friend who is not one now sees nothing, until
        // befriended again.
        try await store.unfriend("alice", "carol")
        #expect(try await Self.view(store, "carol").feed.isEmpty)
        try await store.befriend("alice", "carol")
        #expect(try await Self.view(store, "carol").feed.count == 1)
        await store.close()
    }

    @Test("friend requests: sent, refused, crossed, accepted, declined and sent again", arguments: Backend.available)
    func friendRequests(_ backend: Backend) async throws {
        let store = try await backend.makeStore()
        guard case .sent(let sent) = try await store.requestFriend(from: "bob", to: "carol", note: "hi, I'm Bob")
        else { Issue.record("not sent"); return }
        #expect(sent.to == UserSummary(id: "carol", name: "Carol") && sent.note == "hi, I'm Bob")
        let carolsEvent = try await store.events(user: "carol", after: 0, limit: 10).last
        #expect(carolsEvent?.type == .friendRequest && carolsEvent?.requestId == sent.id)
        #expect(carolsEvent?.text == "hi, I'm Bob" && carolsEvent?.actor?.id == "bob")
        #expect(try await store.streamPosition(user: "carol").unread == 1)
        let carols = try await store.friendRequests(user: "carol")
        #expect(carols.incoming.map(\.from?.id) == ["bob"] && carols.outgoing.isEmpty)
        #expect(try await store.friendRequests(user: "bob").outgoing.map(\.to?.id) == ["carol"])

        await #expect(throws: StoreError.refused(.conflict("request_pending", "you have already asked carol"))) {
            try await store.requestFriend(from: "bob", to: "carol")
        }
        await #expect(throws: StoreError.refused(.conflict("already_friends", "alice is already your friend"))) {
            try await store.requestFriend(from: "bob", to: "alice")
        }
        await #expect(throws: StoreError.refused(.invalid("invalid_request", "you cannot befriend yourself"))) {
            try await store.requestFriend(from: "bob", to: "bob")
        }
        await #expect(throws: StoreError.notFound("no user zed")) {
            try await store.requestFriend(from: "bob", to: "zed")
        }
        await #expect(throws: StoreError.notFound("no friend request \(sent.id)")) {
            try await store.answerFriendRequest(id: sent.id, by: "bob", accept: true)
        }

        // Carol asks Bob back: that accepts his.
        #expect(try await store.requestFriend(from: "carol", to: "bob") == .befriended)
        #expect(try await store.friends(of: "bob").map(\.id) == ["alice", "carol"])
        #expect(try await store.streamPosition(user: "carol").unread == 0, "answered, it no longer counts")
        let bobs = try await store.events(user: "bob", after: 0, limit: 10).last
        #expect(bobs?.type == .friendAccepted && bobs?.actor?.id == "carol" && bobs?.requestId == sent.id)
        #expect(try await store.friendRequests(user: "carol") == FriendRequests(incoming: [], outgoing: []))
        #expect(try await store.answerFriendRequest(id: sent.id, by: "carol", accept: true), "the same answer again")

        // Declined, then sent again.
        guard case .sent(let asked) = try await store.requestFriend(from: "dave", to: "bob") else { return }
        #expect(try await store.answerFriendRequest(id: asked.id, by: "bob", accept: false) == false)
        #expect(try await store.streamPosition(user: "bob").unread == 1, "only the friend_accepted is unread")
        await #expect(throws: StoreError.notFound("no pending friend request \(asked.id)")) {
            try await store.answerFriendRequest(id: asked.id, by: "bob", accept: true)
        }
        guard case .sent = try await store.requestFriend(from: "dave", to: "bob") else {
            Issue.record("a declined request may be sent again")
            return
        }
        await #expect(throws: StoreError.notFound("dave is not your friend")) {
            try await store.unfriend("bob", "dave")
        }
        await store.close()
    }
}
