import Foundation
import JWTKit

/// Issues and checks login tokens: HS256 JWTs whose `sub` is the user id.
public struct TokenAuthority: Sendable {
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    private let keys: JWTKeyCollection

    /// - Parameter secret: at least 32 bytes (shorter HMAC keys are refused by jwt-kit).
    public init(secret: [UInt8]) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    public func issue(user: String, ttl: Duration, now: Date = Date()) async throws -> String {
        // Whole seconds: NumericDate as most JWT tooling prints it.
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = Claims(
            sub: SubjectClaim(value: user), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(Double(ttl.components.seconds))))
        return try await keys.sign(claims)
    }

    /// The user id the token was issued for, or nil for a malformed, forged or expired token.
    public func verify(_ token: String) async -> String? {
        guard let claims = try? await keys.verify(token, as: Claims.self) else { return nil }
        return claims.sub.value
    }
}
