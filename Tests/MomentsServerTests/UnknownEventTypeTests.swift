import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// A newer node's event type in an older node's stream (a rolling upgrade): replayed as it is,
/// skipped by clients, and their cursor still moves past it.
@Suite("Unknown event types")
struct UnknownEventTypeTests {
    @Test("a poll answers an unknown type under its own name; the client skips it and resumes after it")
    func pollSkipsUnknown() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let start = try await alice.poll(cursor: nil, timeout: 0).cursor
        let post = try await alice.createPost(text: "from the future")
        try await server.server.store.storeEventOfANewerNode(
            recipient: "alice", type: "reaction", actor: "bob", postId: post.id)
        var request = HTTPClientRequest(url: server.url.absoluteString + "/api/poll?cursor=\(start)&timeout=0")
        request.headers.add(name: "Authorization", value: "Bearer \(try await server.token("alice"))")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        #expect(response.status.code == 200)
        #expect(body.contains(#""type":"reaction""#), "\(body)")

        let unknownOnly = try await alice.poll(cursor: start, timeout: 0)
        #expect(unknownOnly.events.isEmpty)
        #expect(unknownOnly.cursor > start, "the cursor did not move past the unknown event")
        _ = try await server.api("bob").like(postId: post.id)
        let next = try await alice.poll(cursor: unknownOnly.cursor, timeout: 0)
        #expect(next.events.map(\.type) == [.like])
        try await server.stop()
    }
}
