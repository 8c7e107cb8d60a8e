import Foundation
import MomentsCore

/// A write the user made, kept (`OutboxJournal`) until the server has answered it.
public struct OutboxEntry: Codable, Equatable, Sendable, Identifiable {
    public enum Write: Codable, Equatable, Sendable {
        case like(postId: Int64)
        case unlike(postId: Int64)
        case comment(postId: Int64, text: String)
        /// `audience` nil: all friends (entries kept before audiences existed have none).
        case post(text: String, audience: Audience? = nil)

        public var postId: Int64? {
            switch self {
            case .like(let id), .unlike(let id), .comment(let id, _): id
            case .post: nil
            }
        }
    }

    /// The Idempotency-Key it is sent under, every time: made once, when the user made the write.
    public let id: String
    public let write: Write
    public let madeAt: Date
    /// The server refused it (a 4xx but 408, 409 and 429): its reason. Kept until the user
    /// sends it again or lets it go.
    public var refusal: String?

    public init(id: String, write: Write, madeAt: Date = Date(), refusal: String? = nil) {
        self.id = id
        self.write = write
        self.madeAt = madeAt
        self.refusal = refusal
    }
}

/// The server's answer to an outbox entry: the post (a like, an unlike, a new post) or the comment.
public enum OutboxAnswer: Equatable, Sendable {
    case post(Post)
    case comment(Comment)
}
