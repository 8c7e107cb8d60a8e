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

    @Test("a token verifies again from memory, and stops verifying at its expiry, on the authority's clock")
    func expiry() async throws {
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try await tokens.issue(user: "alice", ttl: .seconds(4), now: issued)
        #expect(await tokens.verify(token, at: issued)?.user == "alice")
        #expect(await tokens.verify(token, at: issued.addingTimeInterval(3.999))?.user == "alice")  // remembered
        #expect(await tokens.verify(token, at: issued.addingTimeInterval(4)) == nil)
        // The same from the signature, with nothing remembered.
        let fresh = await TokenAuthority(secret: Array(repeating: 7, count: 32))
        #expect(await fresh.verify(token, at: issued.addingTimeInterval(4)) == nil)
        #expect(await fresh.verify(token, at: issued.addingTimeInterval(3.999))?.user == "alice")
    }

    @Test("a token issued more than a minute in the future (by the verifier's clock) is not ours")
    func issuedInTheFuture() async throws {
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try await tokens.issue(user: "alice", ttl: .seconds(3600), now: issued)
        #expect(await tokens.verify(token, at: issued.addingTimeInterval(-61)) == nil)
        #expect(await tokens.verify(token, at: issued.addingTimeInterval(-59))?.user == "alice")
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
