import MomentsCore
import Testing

@testable import MomentsClient

/// The cursor a client resumes from, and what a hello or poll answer's history does to it.
@Suite("Event cursor: dedupe, and gaps in the server's history")
struct EventCursorTests {
    @Test("no gap: the epoch is learnt, the cursor stays")
    func noGap() {
        var cursor = EventCursor(10)
        #expect(cursor.meet(epoch: "e1", gap: false, oldest: nil, restartedAt: 10) == nil)
        #expect(cursor.epoch == "e1" && cursor.lastId == 10)
    }

    @Test(
        "expired: the cursor moves up to just before the oldest kept id; what is kept is taken, the gap not told twice")
    func expired() {
        var cursor = EventCursor(10, epoch: "e1")
        #expect(cursor.meet(epoch: "e1", gap: true, oldest: 31, restartedAt: 10) == .expired)
        #expect(cursor.lastId == 30)
        let accepted = cursor.accept(Self.event(31))
        #expect(accepted)
        // Never moved back by an older answer's `oldest`.
        #expect(cursor.meet(epoch: "e1", gap: true, oldest: 5, restartedAt: 31) == .expired)
        #expect(cursor.lastId == 31)
    }

    @Test(
        "another epoch, or restarted behind the cursor: a reset; the cursor moves back, so new ids are not duplicates")
    func reset() {
        var restored = EventCursor(500, epoch: "e1")
        #expect(restored.meet(epoch: "e2", gap: true, oldest: 1, restartedAt: 40) == .reset)
        #expect(restored.lastId == 40 && restored.epoch == "e2")
        let accepted = restored.accept(Self.event(41))
        #expect(accepted)

        var rebuilt = EventCursor(500)
        #expect(rebuilt.meet(epoch: "e1", gap: true, oldest: 1, restartedAt: 40) == .reset)
        #expect(rebuilt.lastId == 40)
    }

    static func event(_ id: Int64) -> Event {
        Event(
            id: id, type: .custom, actor: nil, postId: nil, postExcerpt: nil,
            createdAt: .init(timeIntervalSince1970: 0),
            unread: 0)
    }
}
