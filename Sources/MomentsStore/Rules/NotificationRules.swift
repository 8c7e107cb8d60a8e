import MomentsCore

/// An event a write is about to store, for one recipient. In a write that makes a post or a
/// comment (`StoreWrite`), a nil post or comment id is the one it makes.
struct EventDraft: Equatable {
    var recipient: String
    var type: EventType
    var actor: String?
    var postId: Int64?
    var commentId: Int64?
    var text: String?
    var data: String?
    /// Born read: history that never counts as unread (an unlike).
    var read = false
}

/// Who hears of what: the domain's rules for the events each write creates, the same for every
/// store. Stores decide nothing here; they run the drafts in the write's transaction.
enum NotificationRules {
    /// A new like tells the post's author, unless it is their own.
    static func like(author: String, liker: String, postId: Int64) -> EventDraft? {
        guard author != liker else { return nil }
        return EventDraft(recipient: author, type: .like, actor: liker, postId: postId)
    }

    /// An unlike retracts the like: its still-unread like event stops counting (the store marks
    /// it read) and the unlike itself is stored as history, born read.
    static func unlike(author: String, liker: String, postId: Int64) -> EventDraft? {
        guard author != liker else { return nil }
        return EventDraft(recipient: author, type: .unlike, actor: liker, postId: postId, read: true)
    }

    /// A comment tells the post's author and everyone who commented before (each once, the
    /// author first, then by id), never the commenter. The comment is the one the write makes.
    static func comment(author: String, earlierCommenters: [String], commenter: String, postId: Int64, text: String)
        -> [EventDraft]
    {
        var recipients = [author]
        for id in earlierCommenters.sorted() where !recipients.contains(id) { recipients.append(id) }
        return recipients.filter { $0 != commenter }.map { recipient in
            EventDraft(
                recipient: recipient, type: .comment, actor: commenter, postId: postId, text: text)
        }
    }

    /// A new post reaches the author's friends' streams, for their feeds to show it live; born
    /// read and left out of the notifications list: news, not something to answer. The post is
    /// the one the write makes.
    static func post(author: String, friends: [String], text: String) -> [EventDraft] {
        friends.filter { $0 != author }.map { friend in
            EventDraft(recipient: friend, type: .post, actor: author, text: text, read: true)
        }
    }

    /// A publisher's `data` for each recipient.
    static func publish(to recipients: [String], data: String) -> [EventDraft] {
        recipients.map { EventDraft(recipient: $0, type: .custom, data: data) }
    }

    /// The first of `recipients` that is not a known user: nothing is stored for any of them.
    static func unknownRecipient(_ recipients: [String], known: Set<String>) -> StoreError? {
        recipients.first { !known.contains($0) }.map { StoreError.notFound("no user \($0)") }
    }
}
