import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

@Suite("Push over WebSocket and long-polling")
struct PushTests {
    @Test("a like by bob reaches alice's open WebSocket, with the unread count")
    func likeReachesAuthor() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        let hello = try await socket.hello()
        #expect(hello.user.id == "alice")
        let before = try await alice.me()
        #expect(hello.cursor == before.cursor)

        let post = try await alice.createPost(text: "有人在吗？")
        _ = try await server.api("bob").like(postId: post.id)
        let event = try await socket.event()
        #expect(event.type == .like)
        #expect(event.actor?.id == "bob")
        #expect(event.postId == post.id)
        #expect(event.postExcerpt == "有人在吗？")
        #expect(event.id > hello.cursor)
        #expect(event.unread == before.unread + 1)
        socket.cancel()
        try await server.stop()
    }

    @Test("both of alice's sockets get the event; bob's socket gets nothing of alice's")
    func everyDeviceOfTheAuthor() async throws {
        let server = try await TestServer.start()
        let phone = TestSocket(port: server.port, token: try await server.token("alice"))
        let laptop = TestSocket(port: server.port, token: try await server.token("alice"))
        let bobSocket = TestSocket(port: server.port, token: try await server.token("bob"))
        _ = try await phone.hello()
        _ = try await laptop.hello()
        _ = try await bobSocket.hello()

        let post = try await server.api("alice").createPost(text: "two devices")
        let comment = try await server.api("carol").comment(postId: post.id, text: "seen on both?")
        for socket in [phone, laptop] {
            let event = try await socket.event()
            #expect(event.type == .comment)
            #expect(event.commentId == comment.id)
            #expect(event.text == "seen on both?")
        }
        // bob commented nowhere on this post, so the next thing bob sees is his own stream only.
        let bobPost = try await server.api("bob").createPost(text: "mine")
        _ = try await server.api("dave").like(postId: bobPost.id)
        // Alice's post reached bob's stream first (he is her friend: a live feed).
        #expect(try await bobSocket.event().type == .post)
        let bobEvent = try await bobSocket.event()
        #expect(bobEvent.postId == bobPost.id && bobEvent.type == .like)
        for socket in [phone, laptop, bobSocket] { socket.cancel() }
        try await server.stop()
    }

    @Test("reconnecting with a cursor replays exactly the missed events, then goes live")
    func resumeFromCursor() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let post = try await alice.createPost(text: "resume me")
        let first = TestSocket(port: server.port, token: try await server.token("alice"))
        _ = try await first.hello()
        _ = try await server.api("bob").like(postId: post.id)
        let seen = try await first.event()
        first.cancel()
        _ = try? await first.closed()

        // While alice is away: three events she must get back, in order, once each.
        _ = try await server.api("carol").like(postId: post.id)
        _ = try await server.api("dave").comment(postId: post.id, text: "一")
        _ = try await server.api("bob").comment(postId: post.id, text: "二")

        let second = TestSocket(port: server.port, token: try await server.token("alice"), cursor: seen.id)
        let hello = try await second.hello()
        #expect(hello.cursor == seen.id)
        let replayed = [try await second.event(), try await second.event(), try await second.event()]
        #expect(replayed.map(\.actor?.id) == ["carol", "dave", "bob"])
        #expect(replayed.map(\.id) == replayed.map(\.id).sorted())
        #expect(replayed[0].id > seen.id)

        _ = try await server.api("carol").comment(postId: post.id, text: "live again")
        let live = try await second.event()
        #expect(live.text == "live again")
        #expect(live.id > replayed[2].id)
        second.cancel()
        try await server.stop()
    }

    @Test("without a cursor the WebSocket starts after the newest event: nothing replayed")
    func noCursorNoReplay() async throws {
        let server = try await TestServer.start()
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        let hello = try await socket.hello()
        #expect(hello.cursor > 0)  // the demo already notified alice
        let post = try await server.api("alice").createPost(text: "fresh")
        _ = try await server.api("bob").like(postId: post.id)
        let event = try await socket.event()
        #expect(event.postId == post.id)
        socket.cancel()
        try await server.stop()
    }

    @Test("long-poll answers at once with backlog, early on a live event, and empty on timeout")
    func longPoll() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let me = try await alice.me()

        let backlog = try await alice.poll(cursor: 0, timeout: 30)
        // Her friends' posts are in her stream too, born read.
        #expect(backlog.events.filter { $0.type != .post }.count == me.unread)
        #expect(backlog.cursor == me.cursor)

        let empty = try await alice.poll(cursor: me.cursor, timeout: 1)
        #expect(empty.events.isEmpty)
        #expect(empty.cursor == me.cursor)

        let post = try await alice.createPost(text: "wake me up")
        let clock = ContinuousClock()
        let started = clock.now
        async let waiting = alice.poll(cursor: me.cursor, timeout: 50)
        try await eventually("the long-poll to park") { server.server.hub.subscriptionCount(user: "alice") == 1 }
        _ = try await server.api("bob").like(postId: post.id)
        let woken = try await waiting
        // Woken by the like, not by the 50 s timeout (a generous bound, only to catch a hang).
        #expect(clock.now - started < .seconds(40))
        #expect(woken.events.map(\.actor?.id) == ["bob"])
        #expect(woken.cursor == woken.events[0].id)
        #expect(woken.unread == me.unread + 1)

        let polled = try await alice.poll(cursor: me.cursor, timeout: 0)
        #expect(polled.events.map(\.id) == woken.events.map(\.id))
        try await server.stop()
    }

    @Test("graceful shutdown closes WebSockets with 1001 and answers parked long-polls")
    func shutdownGoingAway() async throws {
        let server = try await TestServer.start()
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        _ = try await socket.hello()
        let alice = try await server.api("alice")
        let cursor = try await alice.me().cursor
        async let parked = alice.poll(cursor: cursor, timeout: 50)
        try await eventually("the long-poll to park") { server.server.hub.subscriptionCount(user: "alice") == 2 }
        try await server.stop()
        let close = try await socket.closed()
        #expect(close?.closeCode == .goingAway)
        let answer = try await parked
        #expect(answer.events.isEmpty)
        #expect(answer.cursor == cursor)
    }
}
