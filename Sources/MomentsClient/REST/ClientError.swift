/// Why a call to the server failed, in terms a UI can act on.
public enum ClientError: Error, Equatable, CustomStringConvertible {
    /// The server answered with an error body: `code` is the contract's machine-readable code.
    case api(status: Int, code: String, message: String)
    /// The server could not be reached or the connection broke.
    case transport(String)
    /// The server answered something this client cannot read.
    case malformedResponse(String)
    /// The server's certificate failed verification: nothing more is sent to it.
    case untrustedCertificate(host: String, reason: String)
    /// The client's own settings are unusable (an unreadable CA file, …).
    case configuration(String)

    public var isUnauthorized: Bool {
        if case .api(401, _, _) = self { return true }
        return false
    }

    /// 503 `draining`: the node is stopping and takes no new streams.
    public var isDraining: Bool {
        if case .api(503, "draining", _) = self { return true }
        return false
    }

    public var isUntrusted: Bool {
        if case .untrustedCertificate = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .api(let status, let code, let message): "\(message) (\(status) \(code))"
        case .transport(let detail): "cannot reach the server: \(detail)"
        case .malformedResponse(let detail): "unexpected answer from the server: \(detail)"
        case .untrustedCertificate(let host, let reason): "TLS: certificate not trusted for \(host) (\(reason))"
        case .configuration(let detail): detail
        }
    }
}
