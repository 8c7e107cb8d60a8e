/// Reads the few fields the generator needs straight from a frame's bytes: decoding every
/// frame as JSON would make the generator, not the server, the bottleneck.
enum FrameScan {
    /// Every unsigned number that directly follows `key` (e.g. `"t":`), in order.
    static func unsignedValues(after key: [UInt8], in bytes: UnsafeRawBufferPointer, _ body: (UInt64) -> Void) {
        var from = 0
        while let start = find(key, in: bytes, from: from) {
            var index = start + key.count
            var value: UInt64 = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value &* 10 &+ UInt64(bytes[index] - 0x30)
                index += 1
                digits += 1
            }
            if digits > 0 { body(value) }
            from = index
        }
    }

    /// The first unsigned number after `key` (occurrences followed by something else are skipped).
    static func firstUnsigned(after key: [UInt8], in bytes: UnsafeRawBufferPointer) -> UInt64? {
        var first: UInt64?
        unsignedValues(after: key, in: bytes) { value in
            if first == nil { first = value }
        }
        return first
    }

    /// The string value that directly follows `key` (e.g. `"actor":{"id":`), without escapes.
    static func string(after key: [UInt8], in bytes: UnsafeRawBufferPointer) -> String? {
        guard let start = find(key, in: bytes, from: 0), start + key.count < bytes.count,
            bytes[start + key.count] == UInt8(ascii: "\"")
        else { return nil }
        let begin = start + key.count + 1
        var end = begin
        while end < bytes.count, bytes[end] != UInt8(ascii: "\"") { end += 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[begin..<end]), as: UTF8.self)
    }

    static func contains(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer) -> Bool {
        find(needle, in: bytes, from: 0) != nil
    }

    private static func find(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        guard let head = needle.first, needle.count <= bytes.count else { return nil }
        var index = from
        let last = bytes.count - needle.count
        while index <= last {
            if bytes[index] == head {
                var match = true
                for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}

extension [UInt8] {
    static let timeKey = Array(#""t":"#.utf8)
    static let idKey = Array(#""id":"#.utf8)
    static let cursorKey = Array(#""cursor":"#.utf8)
    static let postIdKey = Array(#""post_id":"#.utf8)
    static let actorIdKey = Array(#""actor":{"id":"#.utf8)
    static let helloType = Array(#""type":"hello""#.utf8)
    static let likeType = Array(#""type":"like""#.utf8)
    static let commentType = Array(#""type":"comment""#.utf8)
}
