import MomentsClient
import MomentsCore
import Testing

@Suite("Reconnect policy and cursor")
struct ReconnectTests {
    struct Fixed: RandomNumberGenerator {
        var value: UInt64
        mutating func next() -> UInt64 { value }
    }

    @Test("backoff doubles from the base, is capped, and jitters within [half, full]")
    func backoff() {
        let policy = ReconnectPolicy(base: .milliseconds(500), cap: .seconds(30))
        #expect(policy.ceiling(forAttempt: 0) == .milliseconds(500))
        #expect(policy.ceiling(forAttempt: 3) == .seconds(4))
        #expect(policy.ceiling(forAttempt: 7) == .seconds(30))
        #expect(policy.ceiling(forAttempt: 1000) == .seconds(30))
        var low = Fixed(value: 0)
        var high = Fixed(value: .max)
        #expect(policy.delay(forAttempt: 3, using: &low) == .seconds(2))
        #expect(policy.delay(forAttempt: 3, using: &high) > .milliseconds(3999))
        #expect(policy.delay(forAttempt: 3, using: &high) <= .seconds(4))
        for attempt in 0..<12 {
            let delay = policy.delay(forAttempt: attempt)
            #expect(delay >= policy.ceiling(forAttempt: attempt) / 2)
            #expect(delay <= policy.ceiling(forAttempt: attempt))
        }
        // The default: never more than 2 s between attempts, however long the server was away.
        #expect((0..<64).allSatisfy { ReconnectPolicy().delay(forAttempt: $0) <= .seconds(2) })
    }

    @Test("the cursor accepts each id once, in increasing order, and never goes back")
    func cursor() {
        func make(_ id: Int64) -> Event {
            Event(
                id: id, type: .like, actor: UserSummary(id: "b", name: "B"), postId: 1, postExcerpt: "",
                createdAt: .now, unread: 0)
        }
        var cursor = EventCursor(10)
        let accepted = [9, 10, 11, 11, 15, 12].map { cursor.accept(make($0)) }
        #expect(accepted == [false, false, true, false, true, false])
        #expect(cursor.lastId == 15)
        // Stepping over an unknown event type moves forward only.
        cursor.pass(20)
        cursor.pass(18)
        #expect(cursor.lastId == 20)
        let afterPass = [19, 21].map { cursor.accept(make($0)) }
        #expect(afterPass == [false, true])
    }
}
