import Foundation
import MomentsCore

/// A write the user made, kept (`OutboxJournal`) until the server has answered it.
public struct OutboxEntry: Codable, Equatable, Sendable, Identifiable {
    public enum Write: Codable, Equatable, Sendable {
        case like(postId: Int64)
        case unlike(postId: Int64)
        /// A reply when `replyTo` names a comment (entries kept before replies existed have none).
        case comment(postId: Int64, text: String, replyTo: Int64? = nil)
        /// `audience` nil: all friends (entries kept before audiences existed have none). Its
        /// pictures are kept whole with it and uploaded first, each under a key of its own.
        case post(text: String, audience: Audience? = nil, mentions: [String]? = nil, pictures: [OutboxPicture]? = nil)
        case deleteComment(postId: Int64, commentId: Int64)
        case deletePost(postId: Int64)

        public var postId: Int64? {
            switch self {
            case .like(let id), .unlike(let id), .comment(let id, _, _), .deleteComment(let id, _), .deletePost(let id):
                id
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

/// The server's answer to an outbox entry: the post (a like, an unlike, a new post), the
/// comment, or done (a delete).
public enum OutboxAnswer: Equatable, Sendable {
    case post(Post)
    case comment(Comment)
    case deleted
}

/// A picture of a post in the outbox: the file's bytes as they were when it was attached (the
/// file may change or go meanwhile), and its alt text.
public struct OutboxPicture: Codable, Equatable, Sendable {
    public var bytes: Data
    public var alt: String

    public init(bytes: Data, alt: String) {
        self.bytes = bytes
        self.alt = alt
    }
}
