import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Testing

@testable import MomentsTestSupport

/// Privacy through the real server, on every read path and every push transport: what a user
/// could learn anywhere, gathered as text, must hold none of the words they may not see.
/// alice is friends with bob and with carol; bob and carol are strangers.
@Suite("Leak matrix: every read path and transport keeps the privacy rules")
struct LeakMatrixTests {
    /// Everything `user` can read at rest: the feed, each post alone, the notifications, and a
    /// replay from cursor 0 over poll, WebSocket, SSE and iframe.
    static func atRest(_ server: TestServer, _ user: String) async throws -> String {
        let token = try await server.token(user)
        var seen = try await get(server, "/api/feed?limit=100", token)
        let feed = try WireCoding.makeDecoder().decode(FeedPage.self, from: Data(seen.utf8))
        for post in feed.posts { seen += try await get(server, "/api/posts/\(post.id)", token) }
        seen += try await get(server, "/api/notifications?limit=200", token)
        let poll = try await get(server, "/api/poll?cursor=0&timeout=0", token)
        seen += poll
        // Every stream replays up to the newest event the user may see, which the poll names.
        guard let last = try WireCoding.makeDecoder().decode(PollResult.self, from: Data(poll.utf8)).events.last?.id
        else { return seen }
        let replayed: @Sendable (String) -> Bool = { $0.contains("\"id\":\(last),") }
        let live = try await Live.open(server, user, cursor: 0)
        seen += try await live.until("\(user)'s replay from cursor 0", replayed, includingLongPoll: false)
        return seen
    }

    static func get(_ server: TestServer, _ path: String, _ token: String) async throws -> String {
        var request = HTTPClientRequest(url: server.url.absoluteString + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    /// The four live transports open on one user's stream from a cursor, each gathering what
    /// arrives: a WebSocket, SSE, an iframe and long-polls.
    final class Live: Sendable {
        let socket: TestSocket
        let socketText = NIOLockedValueBox("")
        let socketReader: Task<Void, Never>
        let sse: TestStream
        let iframe: TestStream
        let server: TestServer
        let token: String
        let cursor: Int64

        static func open(_ server: TestServer, _ user: String, cursor: Int64) async throws -> Live {
            let token = try await server.token(user)
            return Live(
                server: server, token: token, cursor: cursor,
                socket: TestSocket(port: server.port, token: token, cursor: cursor),
                sse: try await TestStream.open(server, "/api/sse?token=\(token)&cursor=\(cursor)"),
                iframe: try await TestStream.open(server, "/api/iframe?token=\(token)&cursor=\(cursor)"))
        }

        private init(
            server: TestServer, token: String, cursor: Int64, socket: TestSocket, sse: TestStream, iframe: TestStream
        ) {
            self.server = server
            self.token = token
            self.cursor = cursor
            self.socket = socket
            self.sse = sse
            self.iframe = iframe
            let text = socketText
            socketReader = Task {
                for await frame in socket.frames { text.withLockedValue { $0 += frame + "\n" } }
            }
        }

        /// Waits until every transport has received what `done` looks for (long-polls repeated
        /// from where each answer left off), answers all they received, and closes them.
        func until(
            _ what: String, _ done: @escaping @Sendable (String) -> Bool, includingLongPoll: Bool = true,
            joiningWith separator: String = "\n"
        ) async throws -> String {
            var polled = ""
            if includingLongPoll {
                var cursor = self.cursor
                while !done(polled) {
                    let answer = try await LeakMatrixTests.get(server, "/api/poll?cursor=\(cursor)&timeout=20", token)
                    polled += answer
                    cursor = try WireCoding.makeDecoder().decode(PollResult.self, from: Data(answer.utf8)).cursor
                }
            }
            let socketText = self.socketText
            let onSocket = try await eventually("\(what) on the WebSocket") {
                let text = socketText.withLockedValue { $0 }
                return done(text) ? text : nil
            }
            let onSSE = try await sse.until("\(what) over SSE", done)
            let inIframe = try await iframe.until("\(what) in the iframe", done)
            socket.cancel()
            socketReader.cancel()
            sse.cancel()
            iframe.cancel()
            return [polled, onSocket, onSSE, inIframe].joined(separator: separator)
        }
    }

    /// A server with alice, friends with bob and with carol, who are strangers.
    static func world() async throws -> TestServer {
        let server = try await TestServer.start(demo: false)
        let store = server.server.store
        for (id, name) in [("alice", "Alice"), ("bob", "Bob"), ("carol", "Carol")] {
            try await store.saveUser(id: id, name: name)
        }
        try await store.befriend("alice", "bob")
        try await store.befriend("alice", "carol")
        return server
    }

    /// The user's stream position now: where live transports start.
    static func cursor(_ server: TestServer, _ user: String) async throws -> Int64 {
        try await server.api(user).me().cursor
    }

    @Test(
        "strangers' likes and comments reach nobody; friends' do, live and on replay; an ended friendship takes them back"
    )
    func friendsOfTheMaker() async throws {
        let server = try await Self.world()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let carol = try await server.api("carol")
        let post = try await alice.createPost(text: "dumplings tonight")
        _ = try await bob.comment(postId: post.id, text: "bob is in")

        // Strangers: carol's like and comment, while bob listens on every transport.
        var live = try await Live.open(server, "bob", cursor: try await Self.cursor(server, "bob"))
        _ = try await carol.like(postId: post.id)
        _ = try await carol.comment(postId: post.id, text: "SECRET-ONE from carol")
        _ = try await alice.comment(postId: post.id, text: "MARKER-ONE")
        var bobSaw = try await live.until("alice's marker") { $0.contains("MARKER-ONE") }
        bobSaw += try await Self.atRest(server, "bob")
        #expect(!bobSaw.contains("SECRET-ONE") && !bobSaw.contains("carol"), "bob learnt of carol:\n\(bobSaw)")
        let aliceSaw = try await Self.atRest(server, "alice")
        #expect(aliceSaw.contains("SECRET-ONE") && aliceSaw.contains("\"liked_by_me\""), "the test wrote nothing")
        #expect(try await alice.post(post.id).likers.map(\.id) == ["carol"])

        // Friends, through the app: bob asks, carol accepts. Carol's words reach bob: what she
        // wrote before at rest, what she writes now live and on every replay.
        guard case .sent(let request) = try await bob.requestFriend("carol", note: "hi from bob") else {
            throw TestFailure("not sent")
        }
        #expect(try await carol.answerFriendRequest(request.id, accept: true))
        live = try await Live.open(server, "bob", cursor: try await Self.cursor(server, "bob"))
        _ = try await carol.comment(postId: post.id, text: "SECRET-TWO from carol")
        bobSaw = try await live.until("carol's comment") { $0.contains("SECRET-TWO") }
        let bobAtRest = try await Self.atRest(server, "bob")
        #expect(bobAtRest.contains("SECRET-ONE") && bobAtRest.contains("SECRET-TWO"))
        #expect(try await bob.post(post.id).likers.map(\.id) == ["carol"])
        #expect(
            try await bob.notifications().notifications.contains { $0.event.text == "SECRET-TWO from carol" },
            "and it is listed")

        // Strangers again: bob ends it. Nothing of carol's anywhere, and none of it unread.
        try await bob.unfriend("carol")
        live = try await Live.open(server, "bob", cursor: try await Self.cursor(server, "bob"))
        _ = try await carol.comment(postId: post.id, text: "SECRET-THREE from carol")
        _ = try await alice.comment(postId: post.id, text: "MARKER-THREE")
        bobSaw = try await live.until("alice's marker") { $0.contains("MARKER-THREE") }
        bobSaw += try await Self.atRest(server, "bob")
        for secret in ["SECRET-ONE", "SECRET-TWO", "SECRET-THREE"] {
            #expect(!bobSaw.contains(secret), "\(secret) reached bob after the friendship ended:\n\(bobSaw)")
        }
        #expect(try await bob.post(post.id).likers.isEmpty)
        let unreadListed = try await bob.notifications().notifications.count { !$0.read }
        #expect(try await bob.me().unread == unreadListed)

        // The author is not special: alice ends it with carol, and carol's words leave her view.
        try await alice.unfriend("carol")
        let aliceAfter = try await Self.atRest(server, "alice")
        for secret in ["SECRET-ONE", "SECRET-TWO", "SECRET-THREE"] {
            #expect(!aliceAfter.contains(secret), "\(secret) still shown to alice:\n\(aliceAfter)")
        }
        #expect(try await alice.post(post.id).likers.isEmpty)
        try await server.stop()
    }

    @Test("a reply to a stranger shows on no path: not its words, not the stranger's name; nor a mention of another")
    func repliesAndMentions() async throws {
        let server = try await Self.world()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let post = try await alice.createPost(text: "dumplings tonight")
        // carol commented first, so she is told of every later comment she may see.
        _ = try await server.api("carol").comment(postId: post.id, text: "carol is in")
        let live = try await Live.open(server, "carol", cursor: try await Self.cursor(server, "carol"))
        let bobs = try await bob.comment(postId: post.id, text: "SECRET-BOB is in")
        _ = try await alice.comment(postId: post.id, text: "SECRET-REPLY to bob", replyTo: bobs.id)
        _ = try await alice.createPost(text: "SECRET-MENTION for bob", audience: .only(["bob"]), mentions: ["bob"])
        _ = try await alice.comment(postId: post.id, text: "MARKER-R")
        var carolSaw = try await live.until("alice's marker") { $0.contains("MARKER-R") }
        carolSaw += try await Self.atRest(server, "carol")
        for secret in ["SECRET-BOB", "SECRET-REPLY", "SECRET-MENTION", "\"bob\"", "Bob"] {
            #expect(!carolSaw.contains(secret), "carol learnt \(secret):\n\(carolSaw)")
        }
        let bobSaw = try await Self.atRest(server, "bob")
        #expect(bobSaw.contains("SECRET-REPLY") && bobSaw.contains("\"reply_to\""), "the test wrote nothing")
        try await server.stop()
    }

    @Test("outside its audience a post does not exist, on any path; changing the audience sends or takes it back")
    func audiences() async throws {
        let server = try await Self.world()
        let alice = try await server.api("alice")
        let bob = try await server.api("bob")
        let carol = try await server.api("carol")
        _ = try await alice.createPost(text: "hello all")

        let live = try await Live.open(server, "bob", cursor: try await Self.cursor(server, "bob"))
        let hidden = try await alice.createPost(text: "HIDDEN from bob", audience: .except(["bob"]))
        let marker = try await alice.createPost(text: "MARKER for all")
        var bobSaw = try await live.until("alice's next post") { $0.contains("MARKER for all") }
        bobSaw += try await Self.atRest(server, "bob")
        #expect(!bobSaw.contains("HIDDEN"), "bob saw the post he is left out of:\n\(bobSaw)")
        for (method, path, body) in [
            (HTTPMethod.GET, "/api/posts/\(hidden.id)", nil), (.POST, "/api/posts/\(hidden.id)/likes", nil),
            (.POST, "/api/posts/\(hidden.id)/comments", Array(#"{"text":"x"}"#.utf8)),
        ] {
            let answer = try await rawRequest(server, method, path, token: try await server.token("bob"), body: body)
            #expect(answer.status == 404 && answer.error?.error.code == "not_found", "\(method) \(path)")
        }
        #expect(try await carol.post(hidden.id).text == "HIDDEN from bob")
        #expect(try await bob.post(marker.id).audienceLimited == false)

        // Bob let in, carol left out: bob gets the post live, carol is told to drop it.
        let carolLive = try await Live.open(server, "carol", cursor: try await Self.cursor(server, "carol"))
        let bobLive = try await Live.open(server, "bob", cursor: try await Self.cursor(server, "bob"))
        let changed = try await alice.setAudience(postId: hidden.id, .only(["bob"]))
        #expect(changed.audience == .only(["bob"]))
        _ = try await bobLive.until("the post, now his to see") { $0.contains("HIDDEN from bob") }
        let carolSaw = try await carolLive.until("the post taken back") { $0.contains("post_hidden") }
        #expect(carolSaw.contains("\"post_id\":\(hidden.id)"))
        let carolAtRest = try await Self.atRest(server, "carol")
        #expect(!carolAtRest.contains("HIDDEN from bob"), "carol still has it:\n\(carolAtRest)")
        let seen = try await bob.post(hidden.id)
        #expect(seen.audienceLimited && seen.audience == nil, "bob learns it is limited, not to whom")
        let invalid = try await rawRequest(
            server, .PUT, "/api/posts/\(hidden.id)/audience", token: try await server.token("alice"),
            body: Array(#"{"only":["dave"]}"#.utf8))
        #expect(invalid.status == 400 && invalid.error?.error.code == "invalid_audience")
        try await server.stop()
    }

    @Test("a picture outside its post's audience shows on no path: not its id, not its alt text, not its bytes")
    func pictures() async throws {
        let server = try await Self.world()
        let alice = try await server.api("alice")
        let live = try await Live.open(server, "bob", cursor: try await Self.cursor(server, "bob"))
        let uploaded = try await alice.uploadMedia(try TestImages.halves(width: 16, height: 16))
        let hidden = try await alice.createPost(
            text: "", audience: .except(["bob"]), media: [MediaAttachment(id: uploaded.id, alt: "SECRET-ALT")])
        _ = try await alice.createPost(text: "MARKER-P")
        var bobSaw = try await live.until("alice's next post") { $0.contains("MARKER-P") }
        bobSaw += try await Self.atRest(server, "bob")
        #expect(!bobSaw.contains("SECRET-ALT") && !bobSaw.contains(uploaded.id), "bob learnt of it:\n\(bobSaw)")
        let bob = try await server.api("bob")
        await #expect(throws: ClientError.self) { _ = try await bob.picture("/api/media/\(uploaded.id)/thumb") }
        // Carol may see it, until the audience leaves her out: then her address is refused too.
        let carol = try await server.api("carol")
        let address = try #require(try await carol.post(hidden.id).media.first?.thumbUrl)
        #expect(try await carol.picture(address).count > 0)
        _ = try await alice.setAudience(postId: hidden.id, .only(["bob"]))
        await #expect(throws: ClientError.self) { _ = try await carol.picture(address) }
        let carolAtRest = try await Self.atRest(server, "carol")
        #expect(!carolAtRest.contains("SECRET-ALT") && !carolAtRest.contains(uploaded.id))
        let bobNow = try await Self.atRest(server, "bob")
        #expect(bobNow.contains("SECRET-ALT"), "the test wrote nothing")
        #expect(try await bob.picture(try #require(try await bob.post(hidden.id).media.first?.thumbUrl)).count > 0)
        try await server.stop()
    }
}
