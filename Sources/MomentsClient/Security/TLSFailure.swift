import NIOPosix
import NIOSSL

/// Recognises a failed certificate check among connection errors, so a client can say "not
/// trusted" and stop, rather than retry or fall back over the same untrusted path.
enum TLSFailure {
    static func reason(_ error: any Error) -> String? {
        if let connection = error as? NIOConnectionError {
            return connection.connectionErrors.lazy.compactMap { reason($0.error) }.first
        }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the certificate is for another host name"
        }
        switch error {
        case NIOSSLError.handshakeFailed(let inner):
            let detail = String(describing: inner)
            if detail.contains("CERTIFICATE_VERIFY_FAILED") {
                return "certificate verify failed: unknown issuer or expired"
            }
            return "handshake failed: \(detail)"
        case let error as NIOSSLError:
            return String(describing: error)
        default:
            return nil
        }
    }
}
