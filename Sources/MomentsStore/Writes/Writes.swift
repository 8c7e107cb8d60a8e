import MomentsCore

/// Every write that stores events, as both stores make it (`StoreWrite`). Who is told comes
/// from `NotificationRules`; who may and which streams, from here.
enum Writes {
    /// A post reaches the author's friends' streams (for live feeds).
    static func createPost(author: String, text: String) -> StoreWrite {
        StoreWrite(needs: .init(friendsOf: author)) { facts in
            let told = NotificationRules.post(author: author, friends: facts.friends, text: text)
            return .init(streams: facts.friends, change: .addPost(author: author, text: text), told: told)
        }
    }

    /// By anyone who may see the post; tells its author of a new like.
    static func like(viewer: String, postId: Int64) -> StoreWrite {
        StoreWrite(needs: .init(visiblePost: (postId, viewer))) { facts in
            let author = try facts.visiblePost(postId)
            let told = NotificationRules.like(author: author, liker: viewer, postId: postId).map { [$0] } ?? []
            return .init(streams: [author], change: .addLike(postId: postId, user: viewer), told: told)
        }
    }

    /// By anyone who may see the post; the like's notice stops counting as unread.
    static func unlike(viewer: String, postId: Int64) -> StoreWrite {
        StoreWrite(needs: .init(visiblePost: (postId, viewer))) { facts in
            let author = try facts.visiblePost(postId)
            guard let draft = NotificationRules.unlike(author: author, liker: viewer, postId: postId) else {
                return .init(streams: [author], change: .removeLike(postId: postId, user: viewer))
            }
            return .init(
                streams: [author], change: .removeLike(postId: postId, user: viewer),
                followUps: [.readLikeEvents(recipient: author, liker: viewer, postId: postId)], told: [draft])
        }
    }

    /// By anyone who may see the post; tells its author and everyone who commented before.
    static func comment(viewer: String, postId: Int64, text: String) -> StoreWrite {
        StoreWrite(needs: .init(visiblePost: (postId, viewer), commentersOf: postId)) { facts in
            let author = try facts.visiblePost(postId)
            let told = NotificationRules.comment(
                author: author, earlierCommenters: facts.commenters, commenter: viewer, postId: postId, text: text)
            return .init(
                streams: [author] + told.map(\.recipient),
                change: .addComment(postId: postId, author: viewer, text: text), told: told)
        }
    }

    /// The user's events up to `upTo` are read (their unread count changes).
    static func markRead(user: String, upTo: Int64) -> StoreWrite {
        StoreWrite(needs: .init()) { _ in
            .init(streams: [user], change: .readEvents(user: user, upTo: upTo))
        }
    }
}
