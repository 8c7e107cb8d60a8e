import Foundation
import MomentsCore
import NIOCore
import Testing

@testable import MomentsPush
@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

@Suite("EventJSON: the push path's hand-written encoder")
struct EventJSONTests {
    static let date = Date(timeIntervalSince1970: 1_795_747_532.437)

    static let events: [Event] = [
        Event(
            id: 17, type: .comment, actor: UserSummary(id: "bob", name: "Bob"), postId: 5, postExcerpt: "今天包了饺子",
            text: "我要来！\n\"quoted\" \\ back/slash\t\u{1}\u{1F}\u{8}\u{C}\r 🥟", commentId: 3, createdAt: date, unread: 3),
        Event(
            id: 18, type: .like, actor: UserSummary(id: "carol", name: "Carol </script>"), postId: 5,
            postExcerpt: "\u{2028}line", createdAt: Date(timeIntervalSince1970: 0), unread: 0),
        Event(
            id: 9_000_000_000, type: .unlike, actor: UserSummary(id: "dave", name: ""), postId: 1, postExcerpt: "x",
            createdAt: Date(timeIntervalSince1970: 4_102_444_799.999), unread: 12),
        Event(id: 19, type: .custom, actor: nil, postId: nil, postExcerpt: nil, createdAt: date, unread: 1),
    ]

    @Test("byte for byte what JSONEncoder with the wire settings writes")
    func sameBytes() throws {
        for event in Self.events {
            let ours = String(buffer: EventJSON.encode(StoredEvent(event)))
            let foundation = String(decoding: try WireCoding.makeEncoder().encode(event), as: UTF8.self)
            #expect(ours == foundation)
        }
    }

    /// Without a gap, and with one.
    static let starts = [StreamStart(cursor: 9_000_000_000), StreamStart(cursor: 9_000_000_000, gap: true, oldest: 77)]

    @Test("a hello, byte for byte as JSONEncoder writes it, with and without a gap")
    func hello() throws {
        for start in Self.starts {
            let hello = Hello(
                user: UserSummary(id: "bob", name: "Bob \"饺子\" </script>"), unread: 3, cursor: start.cursor,
                epoch: "0a1b2c3d4e5f6789", gap: start.gap ? true : nil, oldest: start.oldest)
            let foundation = String(decoding: try WireCoding.makeEncoder().encode(hello), as: UTF8.self)
            let ours = EventJSON.hello(user: hello.user, unread: 3, start: start, epoch: "0a1b2c3d4e5f6789")
            #expect(String(buffer: ours) == foundation)
        }
    }

    @Test("a poll answer, byte for byte as JSONEncoder writes it, with and without a gap")
    func pollAnswer() throws {
        for events in [[], Self.events] {
            for start in Self.starts {
                let result = PollResult(
                    events: events, cursor: 42, unread: 7, epoch: "0a1b2c3d4e5f6789", gap: start.gap ? true : nil,
                    oldest: start.oldest)
                let foundation = String(decoding: try WireCoding.makeEncoder().encode(result), as: UTF8.self)
                let ours = EventJSON.pollAnswer(
                    events: events.map { EventJSON.encode(StoredEvent($0)) }, cursor: 42, unread: 7, start: start,
                    epoch: "0a1b2c3d4e5f6789")
                #expect(String(buffer: ours) == foundation)
            }
        }
    }

    @Test("a notifications page, byte for byte as JSONEncoder writes it, read where it sorts")
    func notificationsPage() throws {
        let flagged = Self.events.enumerated().map { index, event in (event: event, read: index % 2 == 0) }
        for flagged in [[], flagged] {
            let page = NotificationPage(
                notifications: flagged.map { NotificationEntry(event: $0.event, read: $0.read) }, unread: 7, cursor: 42)
            let foundation = String(decoding: try WireCoding.makeEncoder().encode(page), as: UTF8.self)
            let listing = NotificationListing(
                notifications: flagged.map { StoredEvent($0.event, read: $0.read) },
                position: StreamPosition(cursor: 42, unread: 7))
            var ours = ByteBuffer()
            EventJSON.writeNotifications(listing, to: &ours)
            #expect(String(buffer: ours) == foundation)
        }
    }

    @Test("custom data is written as the text it was published as, and decodes to what was sent")
    func customData() throws {
        let text =
            #"{"orderId":42,"status":"shipped \"now\"","price":19.99,"big":1e21,"negative":-3,"ok":true,"none":null,"items":["a",{"z":1,"a":[]}],"é":"\u00e9"}"#
        let event = Event(
            id: 20, type: .custom, actor: nil, postId: nil, postExcerpt: nil, createdAt: Self.date, unread: 2)
        var stored = StoredEvent(event)
        stored.data = text
        let written = String(buffer: EventJSON.encode(stored))
        #expect(written.contains(#""data":"# + text + ","))
        let decoded = try WireCoding.makeDecoder().decode(Event.self, from: Data(written.utf8))
        var expected = event
        expected.data = try WireCoding.makeDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(decoded == expected)
    }
}
