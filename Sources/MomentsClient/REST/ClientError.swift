/// Why a call to the server failed, in terms a UI can act on.
public enum ClientError: Error, Equatable, CustomStringConvertible {
    /// The server answered with an error body: `code` is the contract's machine-readable code.
    case api(status: Int, code: String, message: String)
    /// The server could not be reached or the connection broke.
    case transport(String)
    /// The server answered something this client cannot read.
    case malformedResponse(String)

    public var isUnauthorized: Bool {
        if case .api(401, _, _) = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .api(let status, let code, let message): "\(message) (\(status) \(code))"
        case .transport(let detail): "cannot reach the server: \(detail)"
        case .malformedResponse(let detail): "unexpected answer from the server: \(detail)"
        }
    }
}
