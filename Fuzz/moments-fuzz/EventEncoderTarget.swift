import Foundation
import MomentsCore
import NIOCore

@testable import MomentsPush
@testable import MomentsServer
@testable import MomentsStore

/// The push path's hand-written event encoder against what it replaces: for any event, the
/// same bytes as `JSONEncoder` with the wire settings, and bytes a client decodes back to
/// the same event.
enum EventEncoderTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        let flags = input.byte()
        let types: [EventType] = [.like, .unlike, .comment, .custom]
        let event = Event(
            id: input.integer(in: 1...Int64.max), type: types[Int(flags & 3)],
            actor: flags & 4 == 0 ? nil : UserSummary(id: input.text(), name: input.text()),
            postId: flags & 8 == 0 ? nil : input.integer(in: 1...Int64.max),
            postExcerpt: flags & 16 == 0 ? nil : input.text(),
            text: flags & 32 == 0 ? nil : input.text(),
            commentId: flags & 64 == 0 ? nil : input.integer(in: 1...Int64.max),
            // What the stores make: whole milliseconds, years 1970 to 9999.
            createdAt: StoreClock.date(input.integer(in: 0...253_402_300_799_999)),
            unread: Int(input.integer(in: 0...Int64(Int32.max))))
        let ours = EventJSON.encode(StoredEvent(event))
        let foundation = try! WireCoding.makeEncoder().encode(event)
        precondition(
            Array(ours.readableBytesView) == Array(foundation),
            "EventJSON wrote \(String(buffer: ours)), JSONEncoder \(String(decoding: foundation, as: UTF8.self))")
        var decoded = try! WireCoding.makeDecoder().decode(Event.self, from: Data(ours.readableBytesView))
        // Times are exact to the millisecond on the wire, not to the Double.
        precondition(WireCoding.milliseconds(decoded.createdAt) == WireCoding.milliseconds(event.createdAt))
        decoded.createdAt = event.createdAt
        precondition(decoded == event, "\(String(buffer: ours)) decodes to \(decoded), not \(event)")
    }
}
