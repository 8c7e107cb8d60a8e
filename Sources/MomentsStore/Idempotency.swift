/// Whose key it is: a user's (`user:ID`) or the publisher's; the same key from two scopes is two keys.
public struct IdempotencyKey: Sendable, Hashable {
    public var scope: String
    public var key: String

    public init(scope: String, key: String) {
        self.scope = scope
        self.key = key
    }
}

/// The answer a write under an `Idempotency-Key` gave, stored in the write's own transaction,
/// and what it answered (a digest of method, path and body), to tell a repeat from a reuse.
public struct StoredAnswer: Sendable, Equatable {
    /// An erased answer's (`gone`): it matches any request under its key.
    public var isErased: Bool { fingerprint.isEmpty }

    public var fingerprint: String
    public var status: Int
    public var body: [UInt8]

    public init(fingerprint: String, status: Int, body: [UInt8]) {
        self.fingerprint = fingerprint
        self.status = status
        self.body = body
    }
}

/// What a keyed write hands its store: where to keep its answer, and how to write the answer
/// from the write's result (inside the transaction, so answer and write commit together).
public struct Idempotent<Result>: Sendable {
    public var key: IdempotencyKey
    public var fingerprint: String
    /// Answers stored before this (milliseconds since 1970) have expired: the key is free.
    public var expiredBefore: Int64
    public var answer: @Sendable (Result) -> (status: Int, body: [UInt8])

    public init(
        key: IdempotencyKey, fingerprint: String, expiredBefore: Int64,
        answer: @escaping @Sendable (Result) -> (status: Int, body: [UInt8])
    ) {
        self.key = key
        self.fingerprint = fingerprint
        self.expiredBefore = expiredBefore
        self.answer = answer
    }

    func stored(_ result: Result) -> StoredAnswer {
        let (status, body) = answer(result)
        return StoredAnswer(fingerprint: fingerprint, status: status, body: body)
    }
}

extension StoredAnswer {
    /// What a kept answer becomes when what it made is deleted: its words gone, its fingerprint
    /// too (a digest of the request, words included, which a guess could confirm), and whatever
    /// is sent again under its key told so instead of making it again.
    static let gone = StoredAnswer(
        fingerprint: "", status: 410,
        body: Array(#"{"error":{"code":"deleted","message":"what this request made has been deleted"}}"#.utf8))
}
