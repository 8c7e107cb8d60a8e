import Foundation
import MomentsCore
import NIOConcurrencyHelpers
import Testing

@testable import MomentsClient
@testable import MomentsTestSupport

@Suite("Outbox: kept on disk, in order, once")
struct OutboxTests {
    func journal() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)/alice.outbox.jsonl")
    }

    static let never: Outbox.Send = { _ in throw ClientError.transport("down") }

    @Test("what was added is there after a restart, in order, with its keys; the file is the user's alone")
    func survivesRestart() async throws {
        let file = journal()
        let first = try Outbox(journal: file, send: Self.never)
        let like = try await first.add(.like(postId: 3))
        let comment = try await first.add(.comment(postId: 3, text: "离线评论"))
        let again = try Outbox(journal: file, send: Self.never)
        #expect(await again.entries == [like, comment])
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let directory = try FileManager.default.attributesOfItem(atPath: file.deletingLastPathComponent().path)
        #expect((directory[.posixPermissions] as? NSNumber)?.intValue == 0o700)
    }

    @Test("a torn last line (a crash while writing) is skipped; the lines before it count")
    func tornLine() async throws {
        let file = journal()
        let outbox = try Outbox(journal: file, send: Self.never)
        let kept = try await outbox.add(.post(text: "kept"))
        let handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"add":{"_0":{"id":"torn","write":{"post":{"te"#.utf8))
        try handle.close()
        #expect(await (try Outbox(journal: file, send: Self.never)).entries == [kept])
        // A write after the torn one (no restart between) is not glued to it.
        let after = try await outbox.add(.post(text: "after"))
        #expect(await (try Outbox(journal: file, send: Self.never)).entries == [kept, after])
    }

    @Test("sent in order; answered ones leave the journal; a refusal stays with its reason until retried")
    func sendsInOrder() async throws {
        let file = journal()
        let sent = NIOLockedValueBox<[String]>([])
        let outbox = try Outbox(journal: file) { entry in
            sent.withLockedValue { $0.append(entry.id) }
            if case .comment(_, let text, _) = entry.write, text == "refuse me", sent.withLockedValue({ $0.count }) < 4
            {
                throw ClientError.api(status: 422, code: "invalid_text", message: "no")
            }
            return .post(
                Post(
                    id: 1, author: UserSummary(id: "a", name: "A"), text: "", createdAt: Date(), likeCount: 0,
                    likers: [], likedByMe: false))
        }
        let a = try await outbox.add(.like(postId: 1))
        let b = try await outbox.add(.comment(postId: 1, text: "refuse me"))
        let c = try await outbox.add(.unlike(postId: 1))
        let events = NIOLockedValueBox<[Outbox.Event]>([])
        let running = Task { await outbox.run { event in events.withLockedValue { $0.append(event) } } }
        defer { running.cancel() }
        try await waitFor { events.withLockedValue { $0.count } == 3 }
        #expect(sent.withLockedValue { $0 } == [a.id, b.id, c.id])
        #expect(await outbox.entries.map(\.id) == [b.id])
        #expect(await outbox.entries.first?.refusal == "no")
        // Restarted, the refusal is still there and is not sent by itself.
        let reopened = try Outbox(journal: file, send: Self.never)
        #expect(await reopened.entries.first?.refusal == "no")
        try await outbox.retry(b.id)
        try await waitFor { events.withLockedValue { $0.count } == 4 }
        #expect(sent.withLockedValue { $0 } == [a.id, b.id, c.id, b.id])
        #expect(await outbox.entries.isEmpty)
        #expect(await (try Outbox(journal: file, send: Self.never)).entries.isEmpty)
    }

    @Test("the pause between tries has full jitter, doubles its limit, and is never over two seconds")
    func backoff() {
        for pauses in 1...20 {
            let limit = min(Duration.seconds(2), Duration.milliseconds(250) * (1 << min(pauses - 1, 10)))
            let drawn = (0..<200).map { _ in Outbox.jittered(pauses) }
            #expect(drawn.allSatisfy { $0 >= .zero && $0 <= limit })
            #expect(Set(drawn).count > 20, "random within the limit, not the limit itself")
        }
    }

    func waitFor(_ condition: @escaping @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + hangGuard
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
