import MomentsCore

/// An event a write is about to store, for one recipient. In a write that makes a post, a
/// comment or a friend request (`StoreWrite`), a nil id of that kind is the one it makes.
struct EventDraft: Equatable {
    var recipient: String
    var type: EventType
    var actor: String?
    var postId: Int64?
    var commentId: Int64?
    var requestId: Int64?
    var text: String?
    var data: String?
    /// Born read: history that never counts as unread (an unlike).
    var read = false
}

/// Who hears of what: the domain's rules for the events each write creates, the same for every
/// store. Stores decide nothing here; they run the drafts in the write's transaction.
enum NotificationRules {
    /// A new like tells the post's author, unless it is their own. (Whoever may like a post is
    /// the author or the author's friend, so the author may always see the like.)
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
    /// author first, then by id), never the commenter, and only those who may see the comment
    /// (`Visibility`): a stranger to the commenter (or, for a reply, to the one it answers), or
    /// someone the post no longer admits, is not told. The one a reply answers commented
    /// before, so is told too. The comment is the one the write makes.
    static func comment(
        post: PostFacts, earlierCommenters: [String], commenter: String, replyTo: String?, text: String,
        areFriends: Visibility.AreFriends
    ) -> [EventDraft] {
        var recipients = [post.author]
        for id in earlierCommenters.sorted() where !recipients.contains(id) { recipients.append(id) }
        return recipients.filter { recipient in
            recipient != commenter
                && Visibility.maySeeComment(
                    viewer: recipient, maker: commenter, replyTo: replyTo,
                    postVisible: Visibility.maySeePost(
                        viewer: recipient, author: post.author, audience: post.audience, areFriends: areFriends),
                    areFriends: areFriends)
        }.map { recipient in
            EventDraft(recipient: recipient, type: .comment, actor: commenter, postId: post.id, text: text)
        }
    }

    /// A new post reaches the streams of the author's friends inside its audience, for their
    /// feeds to show it live; born read and left out of the notifications list: news, not
    /// something to answer. The post is the one the write makes.
    static func post(author: String, friends: [String], audience: Audience, text: String) -> [EventDraft] {
        friends.filter { $0 != author && audience.admits(friend: $0) }.map { friend in
            EventDraft(recipient: friend, type: .post, actor: author, text: text, read: true)
        }
    }

    /// The friends a new post reminds of it ("提醒谁看"), unread; the post is the one the write
    /// makes.
    static func mentions(author: String, mentioned: [String]) -> [EventDraft] {
        mentioned.filter { $0 != author }.map { EventDraft(recipient: $0, type: .mention, actor: author) }
    }

    /// A deleted comment: everyone who was told of it or may see it now drops it. Born read;
    /// its own notice stops counting (the store marks it read as it erases its text).
    static func commentDeleted(
        _ comment: CommentFacts, post: PostFacts, told: [String], candidates: [String],
        areFriends: Visibility.AreFriends
    ) -> [EventDraft] {
        let seeing = candidates.filter { viewer in
            Visibility.maySeeComment(
                viewer: viewer, maker: comment.author, replyTo: comment.replyToUser,
                postVisible: Visibility.maySeePost(
                    viewer: viewer, author: post.author, audience: post.audience, areFriends: areFriends),
                areFriends: areFriends)
        }
        return unique(told + seeing).map {
            EventDraft(
                recipient: $0, type: .commentDeleted, actor: nil, postId: post.id, commentId: comment.id, read: true)
        }
    }

    /// A deleted post: everyone who may see it drops it, its likes and comments. Born read.
    static func postDeleted(_ post: PostFacts, friends: [String]) -> [EventDraft] {
        let seeing = [post.author] + friends.filter { post.audience.admits(friend: $0) }
        return unique(seeing).map {
            EventDraft(recipient: $0, type: .postDeleted, actor: nil, postId: post.id, read: true)
        }
    }

    /// A new audience: friends it takes in get the post as news (as when it was made), friends
    /// it leaves out are told to drop it.
    static func audienceChanged(
        post: PostFacts, to audience: Audience, friends: [String]
    ) -> [EventDraft] {
        let gained = friends.filter { !post.audience.admits(friend: $0) && audience.admits(friend: $0) }
        let lost = friends.filter { post.audience.admits(friend: $0) && !audience.admits(friend: $0) }
        return gained.map {
            EventDraft(recipient: $0, type: .post, actor: post.author, postId: post.id, text: post.text, read: true)
        }
            + lost.map { EventDraft(recipient: $0, type: .postHidden, actor: post.author, postId: post.id, read: true) }
    }

    /// The addressee hears of a request (unread, with its note); the request is the one the
    /// write makes.
    static func friendRequest(from: String, to: String, note: String) -> EventDraft {
        EventDraft(recipient: to, type: .friendRequest, actor: from, text: note.isEmpty ? nil : note)
    }

    /// The one who asked hears that `accepter` said yes.
    static func friendAccepted(request: Int64, requester: String, accepter: String) -> EventDraft {
        EventDraft(recipient: requester, type: .friendAccepted, actor: accepter, requestId: request)
    }

    /// Both sides hear the friendship ended (each event names the other side), born read: for
    /// clients to drop each other's posts, likes and comments.
    static func unfriended(_ a: String, _ b: String) -> [EventDraft] {
        [
            EventDraft(recipient: a, type: .unfriended, actor: b, read: true),
            EventDraft(recipient: b, type: .unfriended, actor: a, read: true),
        ]
    }

    /// A publisher's `data` for each recipient.
    static func publish(to recipients: [String], data: String) -> [EventDraft] {
        recipients.map { EventDraft(recipient: $0, type: .custom, data: data) }
    }

    private static func unique(_ users: [String]) -> [String] {
        var seen = Set<String>()
        return users.filter { seen.insert($0).inserted }
    }

    /// The first of `recipients` that is not a known user: nothing is stored for any of them.
    static func unknownRecipient(_ recipients: [String], known: Set<String>) -> StoreError? {
        recipients.first { !known.contains($0) }.map { StoreError.notFound("no user \($0)") }
    }
}
