import Foundation
import MomentsCore
import Testing

@testable import MomentsServer

/// The write path's own JSON reader: exactly JSON, nothing more, nothing less.
@Suite("JSONScanner")
struct JSONScannerTests {
    static func publish(_ text: String) throws -> PublishBody {
        try Array(text.utf8).withUnsafeBytes { bytes in
            try JSONScanner.scan(bytes) { try PublishBody(scanning: &$0) }
        }
    }

    @Test("a publish body: data kept as given, whitespace between tokens dropped, unknown keys skipped")
    func publishBody() throws {
        let body = try Self.publish(
            """
            { "users" : [ "alice", "b\\u00f6b" ], "extra": {"deep": [1, {"x": null}]},
              "data" : { "text": "a  b\\n\\"c\\"", "n": -1.5e3, "list": [ true, false, null ], "é": {} } }
            """)
        #expect(body.users == ["alice", "böb"])
        #expect(body.broadcast == nil)
        #expect(body.data == #"{"text":"a  b\n\"c\"","n":-1.5e3,"list":[true,false,null],"é":{}}"#)
        #expect(try Self.publish(#"{"broadcast": true, "data": "x"}"#).broadcast == true)
        #expect(try Self.publish(#"{"users": null, "data": null}"#).data == nil)
        #expect(try Self.publish(#"{"data": 7}"#).data == "7")
    }

    @Test("what JSONSerialization takes, the scanner takes, and the data means the same")
    func agreesWithFoundation() throws {
        let values = [
            "0", "-0", "12.5", "1E+2", "1e-7", #""""#, #""\ud83e\udd5f dumpling""#, "[]", "{}", "[[[]]]",
            #"{"a":{"b":[1,"2",{"c":null}]}}"#, #"" \/ \b\f\n\r\t""#, "\"今天包了饺子\"",
        ]
        for value in values {
            let data = try #require(try Self.publish(#"{"data": "# + value + "}").data)
            let ours = try JSONSerialization.jsonObject(with: Data(data.utf8), options: .fragmentsAllowed)
            let theirs = try JSONSerialization.jsonObject(with: Data(value.utf8), options: .fragmentsAllowed)
            #expect(String(describing: ours) == String(describing: theirs), "\(value)")
        }
    }

    @Test("anything that is not JSON of the expected shape is refused")
    func refusals() {
        let bodies = [
            "", "{", "}", "[]", #"{"data": 1,}"#, #"{"data": [1,]}"#, #"{"data": 01}"#, #"{"data": 1.}"#,
            #"{"data": .5}"#, #"{"data": +1}"#, #"{"data": "a"#, "{\"data\": \"tab\there\"}", #"{"data": "\x"}"#,
            #"{"data": "\u12"}"#, #"{"data": "\ud83e"}"#, #"{"data": tru}"#, #"{"data": nul}"#, #"{"data": 1} x"#,
            #"{"data" 1}"#, #"{data: 1}"#, #"{"users": "alice", "data": 1}"#, #"{"users": [1], "data": 1}"#,
            #"{"broadcast": "yes", "data": 1}"#, #"{"data": NaN}"#, "{\"data\": 1} {}",
        ]
        for body in bodies {
            #expect(throws: JSONScanner.Malformed.self, "\(body)") { try Self.publish(body) }
        }
        // Not UTF-8: refused, never stored as replacement characters.
        let invalid: [UInt8] = Array(#"{"data": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONScanner.Malformed.self) {
            try invalid.withUnsafeBytes { bytes in try JSONScanner.scan(bytes) { try PublishBody(scanning: &$0) } }
        }
    }

    @Test("text and mark-read bodies: the field required, of its type")
    func otherBodies() throws {
        func scan<T: ScannedBody>(_ type: T.Type, _ text: String) throws -> T {
            try Array(text.utf8).withUnsafeBytes { bytes in try JSONScanner.scan(bytes) { try T(scanning: &$0) } }
        }
        #expect(try scan(TextBody.self, #"{"text": "我要来！\n", "x": 1}"#).text == "我要来！\n")
        #expect(try scan(MarkReadBody.self, #"{"up_to": 42}"#).upTo == 42)
        for bad in [#"{}"#, #"{"text": 1}"#, #"{"text": null}"#] {
            #expect(throws: JSONScanner.Malformed.self) { try scan(TextBody.self, bad) }
        }
        for bad in [#"{"up_to": 1.5}"#, #"{"up_to": "1"}"#, #"{"up_to": 99999999999999999999}"#] {
            #expect(throws: JSONScanner.Malformed.self) { try scan(MarkReadBody.self, bad) }
        }
    }
}
