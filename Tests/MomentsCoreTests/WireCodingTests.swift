import Foundation
import MomentsCore
import Testing

@Suite("Wire coding")
struct WireCodingTests {
    @Test("events encode snake_case with millisecond UTC dates and decode back equal")
    func eventRoundTrip() throws {
        let event = Event(
            id: 17, type: .comment, actor: UserSummary(id: "bob", name: "Bob"), postId: 5, postExcerpt: "今天",
            text: "好", commentId: 3, createdAt: Date(timeIntervalSince1970: 1_795_724_732.437), unread: 2)
        let json = String(decoding: try WireCoding.makeEncoder().encode(event), as: UTF8.self)
        #expect(json.contains(#""created_at":"2026-11-26T20:25:32.437Z""#))
        #expect(json.contains(#""post_id":5"#))
        #expect(json.contains(#""comment_id":3"#))
        let back = try WireCoding.makeDecoder().decode(Event.self, from: Data(json.utf8))
        #expect(back == event)
    }

    @Test("dates are written to the millisecond they hold, rounded, and read back to it (fuzz finding)")
    func millisecondsRounded() throws {
        // 1773049217.024 has no exact Double; truncating its seconds wrote .023.
        for (millis, text) in [
            (Int64(1_773_049_217_024), "2026-03-09T09:40:17.024Z"), (0, "1970-01-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"), (-1, "1969-12-31T23:59:59.999Z"),
        ] {
            let date = Date(timeIntervalSince1970: Double(millis) / 1000)
            #expect(WireCoding.formatDate(date) == text)
            let back = try #require(WireCoding.parseDate(text))
            #expect(WireCoding.milliseconds(back) == millis, "\(text)")
        }
    }

    @Test("a poll answer leaves out events of unknown types but keeps their cursor; a frame's mark still reads")
    func unknownEventTypes() throws {
        let json = """
            {"cursor":19,"unread":1,"events":[
              {"actor":{"id":"bob","name":"Bob"},"created_at":"2026-11-26T20:25:32.437Z","id":17,"post_excerpt":"x",
               "post_id":5,"type":"like","unread":1},
              {"id":19,"type":"custom","data":{"anything":[1,2]},"created_at":"2026-11-26T20:25:33.000Z"}]}
            """
        let result = try WireCoding.makeDecoder().decode(PollResult.self, from: Data(json.utf8))
        #expect(result.events.map(\.id) == [17])
        #expect(result.cursor == 19)
        let mark = try WireCoding.makeDecoder().decode(
            StreamMark.self, from: Data(#"{"id":19,"type":"custom","data":{}}"#.utf8))
        #expect(mark.id == 19 && mark.type == "custom")
    }

    @Test("a notification is the event's fields plus read, flat")
    func notificationFlat() throws {
        let event = Event(
            id: 1, type: .like, actor: UserSummary(id: "a", name: "A"), postId: 2, postExcerpt: "x",
            createdAt: Date(timeIntervalSince1970: 0), unread: 0)
        let data = try WireCoding.makeEncoder().encode(NotificationEntry(event: event, read: true))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["read"] as? Bool == true)
        #expect(object?["type"] as? String == "like")
        #expect(try WireCoding.makeDecoder().decode(NotificationEntry.self, from: data).event == event)
    }
}
