import Foundation
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

@Suite("TokenAuthority: verified tokens are remembered only until they expire")
struct TokenAuthorityTests {
    let tokens: TokenAuthority

    init() async {
        tokens = await TokenAuthority(secret: Array(repeating: 7, count: 32))
    }

    @Test("a token verifies again from memory, and stops verifying once expired")
    func expiry() async throws {
        let token = try await tokens.issue(user: "alice", ttl: .seconds(4))  // expires in 3 to 4 s
        #expect(await tokens.verify(token)?.user == "alice")
        #expect(await tokens.verify(token)?.user == "alice")
        try await Task.sleep(for: .milliseconds(4200))
        #expect(await tokens.verify(token) == nil)
    }

    @Test("a remembered token does not vouch for a tampered copy")
    func tampered() async throws {
        let token = try await tokens.issue(user: "alice", ttl: .seconds(60))
        #expect(await tokens.verify(token)?.user == "alice")
        var bytes = Array(token.utf8)
        bytes[bytes.count - 2] = bytes[bytes.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(await tokens.verify(String(decoding: bytes, as: UTF8.self)) == nil)
    }

    @Test("the cache stays bounded")
    func bounded() {
        let cache = VerifiedTokens()
        let later = Date().addingTimeInterval(60)
        let verified = VerifiedToken(user: "u", issuedAt: Date())
        for index in 0...VerifiedTokens.capacity { cache.remember("t\(index)", as: verified, expires: later) }
        #expect(cache.token("t\(VerifiedTokens.capacity)", at: Date())?.user == "u")
        #expect(cache.token("t0", at: Date()) == nil)
    }
}
