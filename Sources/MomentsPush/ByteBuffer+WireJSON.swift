import Foundation
import MomentsCore
import NIOCore

extension ByteBuffer {
    /// `{"id":…,"name":…}`: every actor, author, liker and hello user.
    /// `{"comment_id":…|null,"user":{…}}`: the id is written null once its comment is deleted.
    package mutating func writeJSONReplyTo(_ replyTo: ReplyTo) {
        writeStaticString(#"{"comment_id":"#)
        writeString(replyTo.commentId.map { String($0) } ?? "null")
        writeStaticString(#","user":"#)
        writeJSONUser(replyTo.user)
        writeStaticString("}")
    }

    package mutating func writeJSONUser(_ user: UserSummary) {
        writeStaticString(#"{"id":"#)
        writeJSONString(user.id)
        writeStaticString(#","name":"#)
        writeJSONString(user.name)
        writeStaticString("}")
    }

    /// `[a,b,…]`, each element written by `element`.
    package mutating func writeJSONArray<Element>(
        _ elements: some Sequence<Element>, _ element: (inout ByteBuffer, Element) -> Void
    ) {
        writeStaticString("[")
        for (index, item) in elements.enumerated() {
            if index > 0 { writeStaticString(",") }
            element(&self, item)
        }
        writeStaticString("]")
    }

    /// A JSON string as JSONEncoder writes it with the wire settings (slashes unescaped). Runs
    /// of bytes that need no escape are copied whole: a post's comments can be megabytes.
    package mutating func writeJSONString(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            writeStaticString("\"")
            var run = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[run..<index])))
                run = index + 1
                writeEscape(byte)
            }
            writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[run...])))
            writeStaticString("\"")
        }
    }

    private mutating func writeEscape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): writeStaticString(#"\""#)
        case UInt8(ascii: "\\"): writeStaticString(#"\\"#)
        case 0x0A: writeStaticString(#"\n"#)
        case 0x0D: writeStaticString(#"\r"#)
        case 0x09: writeStaticString(#"\t"#)
        case 0x08: writeStaticString(#"\b"#)
        case 0x0C: writeStaticString(#"\f"#)
        default:
            let hex = Array("0123456789abcdef".utf8)
            writeStaticString(#"\u00"#)
            writeInteger(hex[Int(byte >> 4)])
            writeInteger(hex[Int(byte & 0x0F)])
        }
    }

    /// `2026-11-26T20:25:32.437Z` (`WireCoding.dateBytes`): UTC, milliseconds, as the stores keep them.
    package mutating func writeJSONDate(_ date: Date) {
        writeBytes(WireCoding.dateBytes(date))
    }
}
