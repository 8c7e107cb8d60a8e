import Crypto
import Foundation
import MomentsCore
import MomentsStore

/// Addresses of pictures for one viewer: `<img>` cannot send a token, so the address carries
/// the viewer and an expiry, signed (HMAC-SHA256 with a key derived from the node's signing
/// secret, the same on every node). The expiry is rounded up to the hour and at least an hour
/// ahead, so a viewer's addresses stay the same for an hour and a browser's cache works.
/// Serving checks the signature, then again that the viewer may see the picture now.
struct MediaSigner: Sendable {
    private let key: SymmetricKey

    init(secret: [UInt8]) {
        key = SymmetricKey(
            data: HMAC<SHA256>.authenticationCode(
                for: Array("moments media addresses v1".utf8), using: SymmetricKey(data: secret)))
    }

    static let hour: Int64 = 3600

    /// The expiry an address made at `now` carries: the end of the next whole hour.
    static func expiry(at now: Date) -> Int64 {
        (Int64(now.timeIntervalSince1970) / hour + 2) * hour
    }

    func path(id: String, size: MediaSize, viewer: String, expires: Int64) -> String {
        let user = viewer.addingPercentEncoding(withAllowedCharacters: Self.queryValue) ?? viewer
        return "/media/\(id)/\(size.rawValue)?u=\(user)&e=\(expires)&s=\(signature(id, size, viewer, expires))"
    }

    /// Whether `given` signs these values, and they have not expired at `now`.
    func verify(id: String, size: MediaSize, viewer: String, expires: Int64, given: String, at now: Date) -> Bool {
        guard expires >= Int64(now.timeIntervalSince1970) else { return false }
        // The text itself, compared in constant time: base64 has several spellings of one
        // digest (the last character's spare bits), and an address has only one.
        let expected = Array(signature(id, size, viewer, expires).utf8)
        let offered = Array(given.utf8)
        guard offered.count == expected.count else { return false }
        return zip(offered, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func message(_ id: String, _ size: MediaSize, _ viewer: String, _ expires: Int64) -> [UInt8] {
        Array("\(id)\n\(size.rawValue)\n\(viewer)\n\(expires)".utf8)
    }

    private func signature(_ id: String, _ size: MediaSize, _ viewer: String, _ expires: Int64) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message(id, size, viewer, expires), using: key)
        return Data(code).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private static let queryValue: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return allowed
    }()
}

/// The addresses of pictures, signed for whoever a response is for: every post a route
/// answers with goes through this (`PostJSON`).
struct MediaLinks: Sendable {
    let signer: MediaSigner
    let viewer: String
    let expires: Int64

    init(signer: MediaSigner, viewer: String, now: Date = Date()) {
        self.signer = signer
        self.viewer = viewer
        expires = MediaSigner.expiry(at: now)
    }

    func signed(_ media: PostMedia) -> PostMedia {
        var media = media
        media.thumbUrl = signer.path(id: media.id, size: .thumb, viewer: viewer, expires: expires)
        media.largeUrl = signer.path(id: media.id, size: .large, viewer: viewer, expires: expires)
        return media
    }
}
