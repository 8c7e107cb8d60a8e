import Foundation
import JWTKit

/// Who a valid token names, and when it was issued (what a revocation is compared with).
public struct VerifiedToken: Sendable, Equatable {
    public var user: String
    public var issuedAt: Date
}

/// Issues and checks login tokens: HS256 JWTs whose `sub` is the user id.
public struct TokenAuthority: Sendable {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        // jwt-kit calls this with no clock: the times are checked by `TokenAuthority.verify`
        // against the one it is given.
        func verify(using algorithm: some JWTAlgorithm) async throws {}

        /// Not expired, and not "issued" in the future: such a token was not issued by us (a
        /// minute of clock skew allowed).
        func isCurrent(at now: Date) -> Bool {
            (try? exp.verifyNotExpired(currentDate: now)) != nil && iat.value <= now.addingTimeInterval(60)
        }
    }

    private let keys: JWTKeyCollection
    private let verified = VerifiedTokens()

    /// - Parameter secret: at least 32 bytes (shorter HMAC keys are refused by jwt-kit).
    public init(secret: [UInt8]) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    public func issue(user: String, ttl: Duration, now: Date = Date()) async throws -> String {
        // To the millisecond (a NumericDate may be fractional, RFC 7519 §2), as revocation
        // cut-offs are: a token issued right after a revocation is not taken for one before it.
        let now = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        let claims = Claims(
            sub: SubjectClaim(value: user), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds))))
        return try await keys.sign(claims)
    }

    /// The user the token was issued for and when, or nil for a malformed, forged or expired
    /// token, as of `now`. (Revocation is the caller's to check: it changes while a token stays
    /// valid.)
    public func verify(_ token: String, at now: Date = Date()) async -> VerifiedToken? {
        if let known = verified.token(token, at: now) { return known }
        // jwt-kit checks the signature with the key it has, whatever the header claims; a token
        // must also say what it is (no `none`, no RS256 "signed" with the HMAC secret, …).
        guard Self.algorithm(of: token) == "HS256" else { return nil }
        guard let claims = try? await keys.verify(token, as: Claims.self), claims.isCurrent(at: now) else {
            return nil
        }
        let valid = VerifiedToken(user: claims.sub.value, issuedAt: claims.iat.value)
        verified.remember(token, as: valid, expires: claims.exp.value)
        return valid
    }

    private struct Header: Decodable {
        let alg: String
    }

    static func algorithm(of token: String) -> String? {
        guard var header = token.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) else {
            return nil
        }
        header = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        header += String(repeating: "=", count: (4 - header.count % 4) % 4)
        guard let data = Data(base64Encoded: header) else { return nil }
        return (try? JSONDecoder().decode(Header.self, from: data))?.alg
    }
}
