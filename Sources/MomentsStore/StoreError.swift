/// What a store refuses a request with, whichever database it is.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    /// The write's idempotency key already holds an answer: nothing was written.
    case keyTaken
    /// The shared database handed out no connection (it is down, or every connection is
    /// busy), for the reason given: nothing was done.
    case unavailable(String)

    public var description: String {
        switch self {
        case .notFound(let what): what
        case .keyTaken: "the idempotency key already holds an answer"
        case .unavailable(let reason): "the database gave no connection: \(reason)"
        }
    }
}
