import Foundation
import MomentsCore
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// An event's wire JSON, written straight into a buffer. The push path encodes every event it
/// delivers (a broadcast, one per recipient), and `JSONEncoder` took ~8% of the server's CPU at
/// 2,000 messages a second, on the store's single writer thread. Same output as
/// `WireCoding.makeEncoder()`: sorted keys, snake_case, ISO 8601 UTC with milliseconds, absent
/// optionals omitted, slashes unescaped (EventJSONTests compares the two).
enum EventJSON {
    /// `data`, a `custom` event's JSON text, is written as it is (the publish route checked it
    /// and took the whitespace out); `event.data` is not used.
    static func encode(_ event: Event, data: String?) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(256)
        out.writeStaticString("{")
        if let actor = event.actor {
            out.writeStaticString(#""actor":{"id":"#)
            writeString(actor.id, to: &out)
            out.writeStaticString(#","name":"#)
            writeString(actor.name, to: &out)
            out.writeStaticString("},")
        }
        if let commentId = event.commentId {
            out.writeStaticString(#""comment_id":"#)
            out.writeString(String(commentId))
            out.writeStaticString(",")
        }
        out.writeStaticString(#""created_at":""#)
        writeDate(event.createdAt, to: &out)
        out.writeStaticString(#"","#)
        if let data {
            out.writeStaticString(#""data":"#)
            out.writeString(data)
            out.writeStaticString(",")
        }
        out.writeStaticString(#""id":"#)
        out.writeString(String(event.id))
        if let excerpt = event.postExcerpt {
            out.writeStaticString(#","post_excerpt":"#)
            writeString(excerpt, to: &out)
        }
        if let postId = event.postId {
            out.writeStaticString(#","post_id":"#)
            out.writeString(String(postId))
        }
        if let text = event.text {
            out.writeStaticString(#","text":"#)
            writeString(text, to: &out)
        }
        out.writeStaticString(#","type":""#)
        out.writeString(event.type.rawValue)
        out.writeStaticString(#"","unread":"#)
        out.writeString(String(event.unread))
        out.writeStaticString("}")
        return out
    }

    /// A poll's answer, `{"cursor":…,"events":[…],"unread":…}`, from events already encoded
    /// (a woken long-poll reuses the bytes the hub encoded).
    static func pollAnswer(events: [ByteBuffer], cursor: Int64, unread: Int) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeStaticString(#"{"cursor":"#)
        out.writeString(String(cursor))
        out.writeStaticString(#","events":["#)
        for (index, event) in events.enumerated() {
            if index > 0 { out.writeStaticString(",") }
            out.writeImmutableBuffer(event)
        }
        out.writeStaticString(#"],"unread":"#)
        out.writeString(String(unread))
        out.writeStaticString("}")
        return out
    }

    private static func writeString(_ text: String, to out: inout ByteBuffer) {
        out.writeStaticString("\"")
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.writeStaticString(#"\""#)
            case UInt8(ascii: "\\"): out.writeStaticString(#"\\"#)
            case 0x0A: out.writeStaticString(#"\n"#)
            case 0x0D: out.writeStaticString(#"\r"#)
            case 0x09: out.writeStaticString(#"\t"#)
            case 0x08: out.writeStaticString(#"\b"#)
            case 0x0C: out.writeStaticString(#"\f"#)
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.writeStaticString(#"\u00"#)
                out.writeInteger(hex[Int(byte >> 4)])
                out.writeInteger(hex[Int(byte & 0x0F)])
            default: out.writeInteger(byte)
            }
        }
        out.writeStaticString("\"")
    }

    /// `2026-11-26T20:25:32.437Z`: UTC, milliseconds (the store keeps milliseconds).
    private static func writeDate(_ date: Date, to out: inout ByteBuffer) {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(millis.floorDiv(1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) {
            let digits = String(value)
            for _ in digits.count..<width { out.writeStaticString("0") }
            out.writeString(digits)
        }
        pad(parts.tm_year + 1900, 4)
        out.writeStaticString("-")
        pad(parts.tm_mon + 1, 2)
        out.writeStaticString("-")
        pad(parts.tm_mday, 2)
        out.writeStaticString("T")
        pad(parts.tm_hour, 2)
        out.writeStaticString(":")
        pad(parts.tm_min, 2)
        out.writeStaticString(":")
        pad(parts.tm_sec, 2)
        out.writeStaticString(".")
        pad(Int32(millis.floorMod(1000)), 3)
        out.writeStaticString("Z")
    }
}

extension Int64 {
    fileprivate func floorDiv(_ divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }

    fileprivate func floorMod(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
