import MomentsCore

/// The writes an outbox sends: `MomentsAPI`, or a stand-in in a test.
public protocol MomentsWriting: Sendable {
    func like(postId: Int64, idempotencyKey: String?) async throws -> Post
    func unlike(postId: Int64, idempotencyKey: String?) async throws -> Post
    func comment(postId: Int64, text: String, idempotencyKey: String?) async throws -> Comment
    func createPost(text: String, audience: Audience?, idempotencyKey: String?) async throws -> Post
}

extension MomentsWriting {
    /// Sends an outbox entry under its key: what `Outbox(journal:send:)` takes.
    public func send(_ entry: OutboxEntry) async throws -> OutboxAnswer {
        switch entry.write {
        case .like(let postId): .post(try await like(postId: postId, idempotencyKey: entry.id))
        case .unlike(let postId): .post(try await unlike(postId: postId, idempotencyKey: entry.id))
        case .comment(let postId, let text):
            .comment(try await comment(postId: postId, text: text, idempotencyKey: entry.id))
        case .post(let text, let audience):
            .post(try await createPost(text: text, audience: audience, idempotencyKey: entry.id))
        }
    }
}

extension MomentsAPI: MomentsWriting {}
