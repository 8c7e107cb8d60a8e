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
            // A token "issued" in the future was not issued by us (a minute of clock skew allowed).
            guard iat.value <= Date().addingTimeInterval(60) else { throw IssuedInTheFuture() }
        }
    }

    struct IssuedInTheFuture: Error {}

    private let keys: JWTKeyCollection
    private let verified = VerifiedTokens()

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
        if let user = verified.user(of: token, at: Date()) { return user }
        // jwt-kit checks the signature with the key it has, whatever the header claims; a token
        // must also say what it is (no `none`, no RS256 "signed" with the HMAC secret, …).
        guard Self.algorithm(of: token) == "HS256" else { return nil }
        guard let claims = try? await keys.verify(token, as: Claims.self) else { return nil }
        verified.remember(token, user: claims.sub.value, expires: claims.exp.value)
        return claims.sub.value
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
