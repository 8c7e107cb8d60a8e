/// One line of the grouped notifications list (`GET /api/notifications?grouped=true`): the
/// likes of one post are one group ("Bob and 19 others liked …"); every other notification is
/// a group of its own.
public struct NotificationGroup: Codable, Sendable, Equatable, Identifiable {
    public var type: EventType
    public var postId: Int64?
    public var postExcerpt: String?
    /// The newest actors first, at most three.
    public var actors: [UserSummary]
    /// How many notifications (for likes: people) the group holds.
    public var count: Int
    /// The id of its newest event: the group's place in the list, and `before` for the next page.
    public var newestId: Int64
    /// Whether any of it is unread.
    public var unread: Bool
    /// What its one event says, for groups of one: a comment's text, a request's note.
    public var text: String?
    public var commentId: Int64?
    public var requestId: Int64?
    public var replyTo: ReplyTo?
    /// A `custom` event's data.
    public var data: JSONValue?

    public var id: Int64 { newestId }

    public init(
        type: EventType, postId: Int64?, postExcerpt: String?, actors: [UserSummary], count: Int, newestId: Int64,
        unread: Bool, text: String? = nil, commentId: Int64? = nil, requestId: Int64? = nil, replyTo: ReplyTo? = nil,
        data: JSONValue? = nil
    ) {
        self.type = type
        self.postId = postId
        self.postExcerpt = postExcerpt
        self.actors = actors
        self.count = count
        self.newestId = newestId
        self.unread = unread
        self.text = text
        self.commentId = commentId
        self.requestId = requestId
        self.replyTo = replyTo
        self.data = data
    }
}

/// `GET /api/notifications?grouped=true`.
public struct GroupedNotificationPage: Codable, Sendable, Equatable {
    public var groups: [NotificationGroup]
    public var unread: Int
    public var cursor: Int64
    /// The `before` of the next page; nil on the last.
    public var nextBefore: Int64?

    public init(groups: [NotificationGroup], unread: Int, cursor: Int64, nextBefore: Int64?) {
        self.groups = groups
        self.unread = unread
        self.cursor = cursor
        self.nextBefore = nextBefore
    }
}
