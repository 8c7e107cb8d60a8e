import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTestSupport

/// What the shared store's faster write path (a batch's statements prepared, a batch's
/// publishes one statement) must not break: a real node, killed or cut off mid-batch.
@Suite(
    "faults on PostgreSQL", .serialized,
    .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
struct PostgresFaultTests {
    @Test(
        "kill -9 of a node right after a burst of acknowledged likes and publishes: after a restart every one is there, once"
    )
    func killNineAfterBurst() async throws {
        try await FaultTests.burstThenKillNine(store: ["--postgres", try await TestPostgres.createDatabase()])
    }

    @Test(
        "the connection lost in the middle of a batch (after its first write's statements): none of the batch is acknowledged, each retry under its key lands once, and after kill -9 and a restart every acknowledged comment is there once"
    )
    func connectionLostMidBatch() async throws {
        let database = try await TestPostgres.createDatabase()
        let arguments = ["--postgres", database, "--write-rate", "100000", "--write-rate-address", "100000"]
        let node = try await ServerProcess(
            arguments, environment: ["MOMENTS_FAILPOINT": "postgres-connection-lost-mid-batch"])
        let alice = try node.api("alice")
        let post = try await alice.createPost(text: "批")
        let writers = try ["bob", "carol", "dave"].map { try node.api($0) }
        let count = 30
        // All at once, so they queue behind one another and commit in batches of several; each
        // sent again under its key until it is acknowledged.
        let refusals = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<count {
                group.addTask {
                    let api = writers[index % writers.count]
                    var refused = 0
                    while true {
                        do {
                            _ = try await api.comment(postId: post.id, text: "c\(index)", idempotencyKey: "k\(index)")
                            return refused
                        } catch {
                            refused += 1
                            guard refused < 50 else { throw error }
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        let log = try String(contentsOf: node.dataDir.appendingPathComponent("server.err"), encoding: .utf8)
        #expect(log.contains("failpoint postgres-connection-lost-mid-batch"), "the failpoint never fired: \(log)")
        #expect(refusals >= 2, "a batch of several lost its connection, yet no write was refused")

        node.crash()
        let restarted = try await ServerProcess(arguments, dataDir: node.dataDir)
        defer { restarted.stop() }
        let texts = try await MomentsAPI(server: restarted.url, token: try #require(node.tokens["alice"]))
            .post(post.id).comments.map(\.text)
        #expect(texts.sorted() == (0..<count).map { "c\($0)" }.sorted(), "a comment lost or stored twice")
    }
}
