import Testing

@testable import moments_bench

/// The generator reads frames by scanning bytes, not decoding JSON: what it reads must be what
/// the server wrote.
@Suite("FrameScan: fields straight from a frame's bytes")
struct FrameScanTests {
    static func scan<T>(_ text: String, _ body: (UnsafeRawBufferPointer) -> T) -> T {
        Array(text.utf8).withUnsafeBytes(body)
    }

    static let like =
        #"{"actor":{"id":"u17","name":"U 17"},"created_at":"2026-12-06T23:00:00.000Z","id":9000000001,"post_excerpt":"\"t\":7","post_id":42,"type":"like","unread":3}"#

    @Test("every unsigned number after a key, in order; a key followed by something else is skipped")
    func unsignedValues() {
        let frame =
            #"{"events":[{"data":{"t":12},"id":5},{"data":{"t":"x"},"id":6},{"data":{"t":34},"id":7}],"cursor":7}"#
        var times: [UInt64] = []
        Self.scan(frame) { FrameScan.unsignedValues(after: .timeKey, in: $0) { times.append($0) } }
        #expect(times == [12, 34])
        #expect(Self.scan(frame) { FrameScan.firstUnsigned(after: .cursorKey, in: $0) } == 7)
        #expect(Self.scan(frame) { FrameScan.firstUnsigned(after: .idKey, in: $0) } == 5)
        #expect(Self.scan("{}") { FrameScan.firstUnsigned(after: .idKey, in: $0) } == nil)
    }

    @Test("a like's actor, post and type read from its frame; text inside a string is not a field")
    func like() {
        #expect(Self.scan(Self.like) { FrameScan.string(after: .actorIdKey, in: $0) } == "u17")
        #expect(Self.scan(Self.like) { FrameScan.firstUnsigned(after: .postIdKey, in: $0) } == 42)
        #expect(Self.scan(Self.like) { FrameScan.firstUnsigned(after: .idKey, in: $0) } == 9_000_000_001)
        #expect(Self.scan(Self.like) { FrameScan.contains(.likeType, in: $0) })
        #expect(!Self.scan(Self.like) { FrameScan.contains(.helloType, in: $0) })
        // `"t":7` inside the excerpt is escaped on the wire (`\"t\":7`): no stamp is read from it.
        #expect(Self.scan(Self.like) { FrameScan.firstUnsigned(after: .timeKey, in: $0) } == nil)
    }

    @Test("a frame shorter than the key, or a string value cut off, reads as nothing or up to the end")
    func short() {
        #expect(Self.scan("{") { FrameScan.firstUnsigned(after: .postIdKey, in: $0) } == nil)
        #expect(Self.scan(#"{"actor":{"id":"u1"#) { FrameScan.string(after: .actorIdKey, in: $0) } == "u1")
        #expect(Self.scan(#"{"actor":{"id":7}"#) { FrameScan.string(after: .actorIdKey, in: $0) } == nil)
    }
}
