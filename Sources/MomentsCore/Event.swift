import Foundation

/// One entry of a user's durable, ordered event stream: what every push transport delivers.
///
/// `id` is store-wide and strictly increasing: it is the resume cursor.
public struct Event: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var type: EventType
    /// Who did it; absent on `custom` and `unfriended` events.
    public var actor: UserSummary?
    /// The post it is about; absent on `custom` events.
    public var postId: Int64?
    /// The start of the post's text, so a client can say which post without fetching it.
    public var postExcerpt: String?
    /// The comment's text, for `comment` events.
    public var text: String?
    public var commentId: Int64?
    /// Whom the comment answers, on `comment` events of a reply.
    public var replyTo: ReplyTo?
    /// The friend request a `friend_request` or `friend_accepted` is about.
    public var requestId: Int64?
    /// The other side of an ended friendship, on `unfriended` events.
    public var user: UserSummary?
    /// What a `custom` event carries: the publisher's JSON, as given.
    public var data: JSONValue?
    public var createdAt: Date
    /// The recipient's unread count when this frame was produced.
    public var unread: Int

    public init(
        id: Int64, type: EventType, actor: UserSummary?, postId: Int64?, postExcerpt: String?,
        text: String? = nil, commentId: Int64? = nil, replyTo: ReplyTo? = nil, requestId: Int64? = nil,
        user: UserSummary? = nil,
        data: JSONValue? = nil, createdAt: Date, unread: Int
    ) {
        self.id = id
        self.type = type
        self.actor = actor
        self.postId = postId
        self.postExcerpt = postExcerpt
        self.text = text
        self.commentId = commentId
        self.replyTo = replyTo
        self.requestId = requestId
        self.user = user
        self.data = data
        self.createdAt = createdAt
        self.unread = unread
    }
}
