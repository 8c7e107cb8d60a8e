/// What a store refuses a request with, whichever database it is.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    /// The request breaks a rule of the domain (`code` says which, for the API's answer):
    /// nothing was written.
    case refused(Refusal)
    /// The write's idempotency key already holds an answer: nothing was written.
    case keyTaken
    /// The shared database handed out no connection (it is down, or every connection is
    /// busy), for the reason given: nothing was done.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound(let what): what
        case .refused(let refusal): refusal.message
        case .keyTaken: "the idempotency key already holds an answer"
        case .unavailable(let reason): "the database gave no connection: \(reason)"
        }
    }
}

/// A rule a request broke, with the API's code for it.
public struct Refusal: Error, Equatable, Sendable {
    public enum Kind: Sendable { case invalid, conflict }
    /// `invalid`: the request can never work as it is (400); `conflict`: not in the state
    /// things are in now (409).
    public var kind: Kind
    public var code: String
    public var message: String

    public static func invalid(_ code: String, _ message: String) -> Refusal {
        Refusal(kind: .invalid, code: code, message: message)
    }
    public static func conflict(_ code: String, _ message: String) -> Refusal {
        Refusal(kind: .conflict, code: code, message: message)
    }
}
