import MomentsCore

/// Every write that stores events or changes who may see what, as both stores make it
/// (`StoreWrite`). Who is told comes from `NotificationRules`, who may see from `Visibility`;
/// who may write and which streams, from here.
enum Writes {
    /// A post reaches the streams of the author's friends inside its audience (for live feeds);
    /// the friends it mentions are reminded of it. Everyone an audience names must be the
    /// author's friend; everyone mentioned, a friend inside the audience.
    /// Its pictures must be the author's uploads that no post has yet, nine at most, each once.
    static func createPost(
        author: String, text: String, audience: Audience, mentions: [String] = [], media: [MediaAttachment] = []
    ) -> StoreWrite {
        StoreWrite(needs: .init(friendsOf: [author], media: media.map(\.id)), answerShows: .madePost) { facts in
            try requireUnattached(media, of: author, facts.media)
            let friends = facts.friendsOf(author)
            try requireFriends(audience, of: friends)
            if let outsider = mentions.first(where: { !friends.contains($0) || !audience.admits(friend: $0) }) {
                throw StoreError.refused(
                    .invalid("invalid_mention", "\(outsider) is not a friend who may see this post"))
            }
            let told =
                NotificationRules.post(author: author, friends: friends, audience: audience, text: text)
                + NotificationRules.mentions(author: author, mentioned: mentions)
            return .init(
                streams: told.map(\.recipient),
                change: .addPost(author: author, text: text, audience: audience, media: media),
                told: told)
        }
    }

    /// By the post's author only (others: no such post): friends the new audience takes in are
    /// sent the post, friends it leaves out are told to drop it, and what each may see is
    /// re-judged.
    static func setAudience(author: String, postId: Int64, audience: Audience) -> StoreWrite {
        StoreWrite(needs: .init(visiblePost: (postId, author), friendsOf: [author]), answerShows: .post(postId)) {
            facts in
            let post = try facts.visiblePost(postId)
            guard post.author == author else { throw StoreError.notFound("no post \(postId)") }
            let friends = facts.friendsOf(author)
            try requireFriends(audience, of: friends)
            let told = NotificationRules.audienceChanged(post: post, to: audience, friends: friends)
            return .init(
                streams: [author] + told.map(\.recipient), change: .setAudience(postId: postId, audience: audience),
                followUps: [.refreshPost(postId)], told: told)
        }
    }

    /// By anyone who may see the post; tells its author of a new like.
    static func like(viewer: String, postId: Int64) -> StoreWrite {
        StoreWrite(needs: .init(visiblePost: (postId, viewer)), answerShows: .post(postId)) { facts in
            let author = try facts.visiblePost(postId).author
            let told = NotificationRules.like(author: author, liker: viewer, postId: postId).map { [$0] } ?? []
            return .init(streams: [author], change: .addLike(postId: postId, user: viewer), told: told)
        }
    }

    /// By anyone who may see the post; the like's notice stops counting as unread.
    static func unlike(viewer: String, postId: Int64) -> StoreWrite {
        StoreWrite(needs: .init(visiblePost: (postId, viewer)), answerShows: .post(postId)) { facts in
            let author = try facts.visiblePost(postId).author
            guard let draft = NotificationRules.unlike(author: author, liker: viewer, postId: postId) else {
                return .init(streams: [author], change: .removeLike(postId: postId, user: viewer))
            }
            return .init(
                streams: [author], change: .removeLike(postId: postId, user: viewer),
                followUps: [.readLikeEvents(recipient: author, liker: viewer, postId: postId)], told: [draft])
        }
    }

    /// By anyone who may see the post (and, for a reply, the comment it answers); tells its
    /// author and those who commented before, each only if they may see the comment.
    static func comment(viewer: String, postId: Int64, text: String, replyTo: Int64? = nil) -> StoreWrite {
        let needs = StoreWrite.Needs(
            visiblePost: (postId, viewer), comment: replyTo, friendshipsAmongPostPeople: true, commentersOf: postId)
        return StoreWrite(needs: needs, answerShows: .madeComment(postId: postId)) { facts in
            let post = try facts.visiblePost(postId)
            var target: ReplyTarget?
            if let replyTo {
                guard let parent = facts.comment, parent.postId == postId,
                    Visibility.maySeeComment(
                        viewer: viewer, maker: parent.author, replyTo: parent.replyToUser, postVisible: true,
                        areFriends: facts.areFriends)
                else { throw StoreError.notFound("no comment \(replyTo)") }
                target = ReplyTarget(commentId: parent.id, user: parent.author)
            }
            let told = NotificationRules.comment(
                post: post, earlierCommenters: facts.commenters, commenter: viewer, replyTo: target?.user, text: text,
                areFriends: facts.areFriends)
            return .init(
                streams: [post.author] + told.map(\.recipient),
                change: .addComment(postId: postId, author: viewer, text: text, replyTo: target), told: told)
        }
    }

    /// By the comment's author or the post's (others: no such comment). Everyone who was told
    /// of it or may see it is told it is gone. Asked again by either: nothing more to do.
    static func deleteComment(by user: String, postId: Int64, commentId: Int64) -> StoreWrite {
        StoreWrite(needs: .init(post: postId, comment: commentId, friendsOfAuthors: true)) { facts in
            let missing = StoreError.notFound("no comment \(commentId)")
            guard let comment = facts.comment, let post = facts.post, comment.postId == postId else {
                guard let tombstone = facts.tombstone, tombstone.deletable(by: user) else { throw missing }
                return .init(streams: [])
            }
            guard user == comment.author || user == post.author else { throw missing }
            let told = NotificationRules.commentDeleted(
                comment, post: post, told: facts.touched, candidates: [post.author] + facts.friendsOf(post.author),
                areFriends: facts.areFriends)
            return .init(
                streams: told.map(\.recipient), change: .deleteComment(comment, postAuthor: post.author), told: told)
        }
    }

    /// By the post's author (others: no such post). Everyone who may see it is told it is
    /// gone. Asked again: nothing more to do.
    static func deletePost(by user: String, postId: Int64) -> StoreWrite {
        StoreWrite(needs: .init(post: postId, friendsOfAuthors: true)) { facts in
            guard let post = facts.post else {
                guard let tombstone = facts.tombstone, tombstone.deletable(by: user) else {
                    throw StoreError.notFound("no post \(postId)")
                }
                return .init(streams: [])
            }
            guard post.author == user else { throw StoreError.notFound("no post \(postId)") }
            let told = NotificationRules.postDeleted(post, friends: facts.friendsOf(post.author))
            return .init(
                streams: told.map(\.recipient) + facts.touched, change: .deletePost(id: postId, author: user),
                told: told)
        }
    }

    /// The user's events up to `upTo` are read (their unread count changes).
    static func markRead(user: String, upTo: Int64) -> StoreWrite {
        StoreWrite(needs: .init()) { _ in
            .init(streams: [user], change: .readEvents(user: user, upTo: upTo))
        }
    }

    // MARK: friends

    /// A request to `to`; if `to` had asked `from` already, that request is accepted instead.
    static func requestFriend(from: String, to: String, note: String) -> StoreWrite {
        StoreWrite(needs: .init(friendsOf: [from], users: [to], pendingBetween: (from, to))) { facts in
            guard from != to else {
                throw StoreError.refused(.invalid("invalid_request", "you cannot befriend yourself"))
            }
            guard facts.users.contains(to) else { throw StoreError.notFound("no user \(to)") }
            guard !facts.areFriends(from, to) else {
                throw StoreError.refused(.conflict("already_friends", "\(to) is already your friend"))
            }
            if facts.pending.contains(where: { $0.from == from }) {
                throw StoreError.refused(.conflict("request_pending", "you have already asked \(to)"))
            }
            if let theirs = facts.pending.first(where: { $0.from == to }) { return accepted(theirs) }
            return .init(
                streams: [to], change: .addRequest(from: from, to: to, note: note),
                told: [NotificationRules.friendRequest(from: from, to: to, note: note)])
        }
    }

    /// By the request's addressee (others: no such request). Answering again the same way
    /// changes nothing; a declined request cannot be accepted (it may be sent again).
    static func answerRequest(id: Int64, by user: String, accept: Bool) -> StoreWrite {
        StoreWrite(needs: .init(request: id)) { facts in
            guard let request = facts.request, request.to == user else {
                throw StoreError.notFound("no friend request \(id)")
            }
            switch (request.state, accept) {
            case (.pending, true):
                return accepted(request)
            case (.pending, false):
                return .init(
                    streams: [user], change: .declineRequest(id: id),
                    followUps: [.readRequestEvents(recipient: user, requestId: id)])
            case (.accepted, true), (.declined, false):
                return .init(streams: [])
            case (.accepted, false), (.declined, true):
                throw StoreError.notFound("no pending friend request \(id)")
            }
        }
    }

    /// Ends a friendship for both sides; each is told, and what each may see of the other is
    /// re-judged in the same transaction.
    static func unfriend(_ user: String, _ other: String) -> StoreWrite {
        StoreWrite(needs: .init(friendsOf: [user])) { facts in
            guard facts.areFriends(user, other) else { throw StoreError.notFound("\(other) is not your friend") }
            return .init(
                streams: [user, other], change: .removeFriendship(user, other),
                followUps: [.refreshFriendship(user, other)], told: NotificationRules.unfriended(user, other))
        }
    }

    /// The operator's `friend A B`: friends at once, nobody asked.
    static func befriend(_ a: String, _ b: String) -> StoreWrite {
        StoreWrite(needs: .init(users: [a, b])) { facts in
            for id in [a, b] where !facts.users.contains(id) { throw StoreError.notFound("no user \(id)") }
            return .init(streams: [a, b], change: .addFriendship(a, b), followUps: [.refreshFriendship(a, b)])
        }
    }

    /// `request` accepted: its two users become friends, its notice is answered, the requester
    /// is told.
    private static func accepted(_ request: StoreWrite.RequestFacts) -> StoreWrite.Effect {
        .init(
            streams: [request.from, request.to],
            change: .acceptRequest(id: request.id, from: request.from, to: request.to),
            followUps: [
                .refreshFriendship(request.from, request.to),
                .readRequestEvents(recipient: request.to, requestId: request.id),
            ],
            told: [NotificationRules.friendAccepted(request: request.id, requester: request.from, accepter: request.to)]
        )
    }

    private static func requireUnattached(_ media: [MediaAttachment], of author: String, _ read: [MediaFacts]) throws {
        func refuse(_ message: String) -> StoreError { .refused(.invalid("invalid_media", message)) }
        guard media.count <= MediaAttachment.perPost else {
            throw refuse("a post has at most \(MediaAttachment.perPost) pictures")
        }
        guard Set(media.map(\.id)).count == media.count else { throw refuse("a picture is named twice") }
        let found = Dictionary(read.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        // Another user's picture reads as no picture: its id tells nothing of its owner.
        for item in media {
            guard let facts = found[item.id], facts.owner == author else {
                throw refuse("no picture \(item.id) of yours")
            }
            guard facts.postId == nil else { throw refuse("picture \(item.id) is in a post already") }
        }
    }

    private static func requireFriends(_ audience: Audience, of friends: [String]) throws {
        if let stranger = audience.named.first(where: { !friends.contains($0) }) {
            throw StoreError.refused(.invalid("invalid_audience", "\(stranger) is not your friend"))
        }
    }
}
