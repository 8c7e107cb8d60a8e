import MomentsCore

/// The writes an outbox sends: `MomentsAPI`, or a stand-in in a test.
public protocol MomentsWriting: Sendable {
    func like(postId: Int64, idempotencyKey: String?) async throws -> Post
    func unlike(postId: Int64, idempotencyKey: String?) async throws -> Post
    func comment(postId: Int64, text: String, replyTo: Int64?, idempotencyKey: String?) async throws -> Comment
    func createPost(
        text: String, audience: Audience?, mentions: [String]?, media: [MediaAttachment]?, idempotencyKey: String?
    ) async throws -> Post
    func uploadMedia(_ bytes: [UInt8], idempotencyKey: String?) async throws -> MediaUploaded
    func deleteComment(postId: Int64, commentId: Int64, idempotencyKey: String?) async throws
    func deletePost(_ id: Int64, idempotencyKey: String?) async throws
}

extension MomentsWriting {
    /// Sends an outbox entry under its key: what `Outbox(journal:send:)` takes.
    public func send(_ entry: OutboxEntry) async throws -> OutboxAnswer {
        switch entry.write {
        case .deleteComment(let postId, let commentId):
            try await deleteComment(postId: postId, commentId: commentId, idempotencyKey: entry.id)
            return .deleted
        case .deletePost(let postId):
            try await deletePost(postId, idempotencyKey: entry.id)
            return .deleted
        case .like(let postId): return .post(try await like(postId: postId, idempotencyKey: entry.id))
        case .unlike(let postId): return .post(try await unlike(postId: postId, idempotencyKey: entry.id))
        case .comment(let postId, let text, let replyTo):
            return .comment(try await comment(postId: postId, text: text, replyTo: replyTo, idempotencyKey: entry.id))
        case .post(let text, let audience, let mentions, let pictures):
            // Pictures first, each under its own key (sent again, an upload answers as it did),
            // then the post naming them, under the entry's.
            var media: [MediaAttachment] = []
            for (index, picture) in (pictures ?? []).enumerated() {
                let uploaded = try await uploadMedia(
                    Array(picture.bytes), idempotencyKey: "\(entry.id).picture-\(index)")
                media.append(MediaAttachment(id: uploaded.id, alt: picture.alt))
            }
            return .post(
                try await createPost(
                    text: text, audience: audience, mentions: mentions, media: media.isEmpty ? nil : media,
                    idempotencyKey: entry.id))
        }
    }
}

extension MomentsAPI: MomentsWriting {}
