/// Whose key it is: a user's (`user:ID`) or the publisher's; the same key from two scopes is two keys.
public struct IdempotencyKey: Sendable, Hashable {
    public var scope: String
    public var key: String
}

/// The answer a write under an `Idempotency-Key` gave, stored in the write's own transaction,
/// and what it answered (a digest of method, path and body), to tell a repeat from a reuse.
public struct StoredAnswer: Sendable, Equatable {
    public var fingerprint: String
    public var status: Int
    public var body: [UInt8]
}

/// What a keyed write hands its store: where to keep its answer, and how to write the answer
/// from the write's result (inside the transaction, so answer and write commit together).
public struct Idempotent<Result>: Sendable {
    public var key: IdempotencyKey
    public var fingerprint: String
    /// Answers stored before this (milliseconds since 1970) have expired: the key is free.
    public var expiredBefore: Int64
    public var answer: @Sendable (Result) -> (status: Int, body: [UInt8])

    func stored(_ result: Result) -> StoredAnswer {
        let (status, body) = answer(result)
        return StoredAnswer(fingerprint: fingerprint, status: status, body: body)
    }
}
