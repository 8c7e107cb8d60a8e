import AsyncHTTPClient
import Foundation
import MomentsCore
import NIOCore
import NIOHTTP1
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

/// Random and mutated input against the decoders and the real request handling. The run is
/// seeded (the seed is printed) and bounded; `MOMENTS_FUZZ_ITERATIONS` makes it longer.
@Suite("Fuzzing: decoding and request handling")
struct FuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["MOMENTS_FUZZ_ITERATIONS"] ?? "") ?? 400
    static let seed =
        UInt64(ProcessInfo.processInfo.environment["MOMENTS_FUZZ_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970)

    static let samples: [String] = [
        #"{"text":"今天包了饺子 🥟"}"#, #"{"up_to":17}"#, #"{"text":"来吧","reply_to":3}"#,
        #"{"text":"看","mentions":["bob","carol","bob"],"audience":{"only":["bob"]}}"#,
        #"{"text":"a\nb","extra":[1,2,{"x":null}]}"#,
        #"{"id":5,"type":"like","actor":{"id":"bob","name":"Bob"},"post_id":1,"post_excerpt":"x","created_at":"2026-11-26T20:25:32.437Z","unread":1}"#,
    ]
    static let splices: [[UInt8]] =
        [
            "[", "{", "\"", "\\", "\\u0000", "\\ud800", "\u{2028}", "</script>", "-1", "1e309", "99999999999999999999",
            "null", "\0", "\u{FEFF}",
        ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80]]

    /// A valid sample with a few random mutations, or plain random bytes.
    static func input(_ random: inout SeededRandom) -> [UInt8] {
        if Int.random(in: 0..<5, using: &random) == 0 {
            return (0..<Int.random(in: 0..<200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        var bytes = Array(samples.randomElement(using: &random)!.utf8)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0: bytes.insert(contentsOf: splices.randomElement(using: &random)!, at: at)
            case 1: if at < bytes.count { bytes[at] = UInt8.random(in: 0...255, using: &random) }
            case 2: bytes = Array(bytes.prefix(at))
            default: bytes.insert(contentsOf: bytes.prefix(at), at: at)  // repeat a prefix
            }
        }
        return bytes
    }

    @Test("decoders and text rules survive random and mutated bytes")
    func decoders() throws {
        var random = SeededRandom(seed: Self.seed)
        print("◇ fuzz seed \(Self.seed) (MOMENTS_FUZZ_SEED), \(Self.iterations * 10) inputs")
        let decoder = WireCoding.makeDecoder()
        for _ in 0..<(Self.iterations * 10) {
            let data = Data(Self.input(&random))
            _ = try? decoder.decode(TextBody.self, from: data)
            _ = try? decoder.decode(NewPostBody.self, from: data)
            _ = try? decoder.decode(GroupedNotificationPage.self, from: data)
            _ = try? decoder.decode(MarkReadBody.self, from: data)
            _ = try? decoder.decode(Event.self, from: data)
            _ = try? decoder.decode(PollResult.self, from: data)
            _ = JSONDepth.exceeds(16, in: data)
            let text = String(decoding: data, as: UTF8.self)
            if let valid = try? TextRules.validate(text) {
                #expect(!valid.unicodeScalars.contains { $0.value == 0 })
            }
            let embedded = ScriptEmbedding.json(data)
            #expect(!embedded.contains("<") && !embedded.contains(">") && !embedded.contains("&"))
            #expect(!embedded.unicodeScalars.contains { $0 == "\u{2028}" || $0 == "\u{2029}" })
        }
    }

    @Test("the real server answers mutated requests with 2xx/4xx, never 5xx, and stays up")
    func requests() async throws {
        let server = try await TestServer.start {
            $0.limits.writesPerSecondPerUser = 1_000_000
            $0.limits.writesPerSecondPerAddress = 1_000_000
        }
        let token = try await server.token("bob")
        let post = try await server.api("alice").createPost(text: "fuzz target")
        var random = SeededRandom(seed: Self.seed ^ 0x5EED)
        let deadline = ContinuousClock.now + .seconds(50)
        var statuses: [Int: Int] = [:]
        for _ in 0..<Self.iterations where ContinuousClock.now < deadline {
            let body = Self.input(&random)
            // Half the time a plausible number, so requests get past parameter checks too.
            let noise =
                Bool.random(using: &random)
                ? String(Int64.random(in: -2...Int64(post.id + 2), using: &random))
                : String(decoding: Self.input(&random).prefix(12), as: UTF8.self)
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let (method, path): (HTTPMethod, String) = [
                (.POST, "/api/posts"), (.POST, "/api/posts/\(post.id)/comments"), (.POST, "/api/notifications/read"),
                (.POST, "/api/posts/\(noise)/likes"), (.GET, "/api/poll?cursor=\(noise)&timeout=0"),
                (.GET, "/api/feed?limit=\(noise)&before=\(noise)"), (.GET, "/api/notifications?before=\(noise)"),
                (.GET, "/api/notifications?grouped=true&limit=\(noise)&before=\(noise)"),
                (.DELETE, "/api/posts/\(post.id)/comments/\(noise)"), (.DELETE, "/api/posts/\(noise)"),
            ].randomElement(using: &random)!
            let answer = try await rawRequest(server, method, path, token: token, body: method == .POST ? body : nil)
            statuses[answer.status, default: 0] += 1
            #expect(answer.status < 500, "\(method) \(path) with \(body) → \(answer.status)")
            if answer.status >= 400 { #expect(answer.error != nil, "\(answer.status) without the error shape") }
        }
        print("◇ fuzz statuses: \(statuses.sorted { $0.key < $1.key })")
        #expect(try await rawRequest(server, .GET, "/healthz").status == 200)
        try await server.stop()
    }
}
