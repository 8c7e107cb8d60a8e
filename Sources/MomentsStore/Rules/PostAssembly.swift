import MomentsCore

/// Posts as a viewer sees them, put together from the reads both stores make (the posts, the
/// likers and comments the viewer may see, the audiences of the viewer's own posts, the
/// pictures in order).
enum PostAssembly {
    /// How many comments a feed shows of each post: the latest ones.
    static let feedComments = 3

    struct PostRow {
        var id: Int64
        var author: UserSummary
        var text: String
        var createdAt: Int64
        /// `Audience.kind`.
        var audience: String
    }

    struct LikerRow {
        var postId: Int64
        var liker: UserSummary
    }

    /// A comment, and how many comments of its post the viewer may see in all (nil when the
    /// read took them all: they are counted).
    struct CommentRow {
        var comment: Comment
        var total: Int?
    }

    struct MediaRow {
        var postId: Int64
        var media: PostMedia
    }

    struct NamedRow {
        var postId: Int64
        var user: String
    }

    /// The posts whose audience lists the viewer is told: their own, limited by name. Most reads
    /// have none, and skip reading lists.
    static func namedListsWanted(_ rows: [PostRow], viewer: String) -> [Int64] {
        rows.filter { $0.author.id == viewer && ($0.audience == "only" || $0.audience == "except") }.map(\.id)
    }

    /// In the order of `ids`; ids with no row (not visible, or gone) are left out. `named` holds
    /// the audience lists of the viewer's own posts, the only ones a viewer is told.
    static func posts(
        ids: [Int64], rows: [PostRow], likers: [LikerRow], comments: [CommentRow], named: [NamedRow],
        media: [MediaRow], viewer: String
    ) -> [Post] {
        let likersByPost = Dictionary(grouping: likers, by: \.postId).mapValues { $0.map(\.liker) }
        let commentsByPost = Dictionary(grouping: comments, by: \.comment.postId)
        let mediaByPost = Dictionary(grouping: media, by: \.postId).mapValues { $0.map(\.media) }
        let namedByPost = Dictionary(grouping: named, by: \.postId).mapValues { $0.map(\.user) }
        let rowsById = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { id in
            guard let row = rowsById[id] else { return nil }
            let postLikers = likersByPost[id] ?? []
            let postComments = commentsByPost[id] ?? []
            let audience = Audience(kind: row.audience, named: namedByPost[id] ?? [])
            let isAuthor = row.author.id == viewer
            let limited: Bool
            if isAuthor {
                limited = audience != .friends
            } else if case .only = audience {
                limited = true
            } else {
                limited = false
            }
            return Post(
                id: id, author: row.author, text: row.text, createdAt: StoreClock.date(row.createdAt),
                likeCount: postLikers.count, likers: postLikers, likedByMe: postLikers.contains { $0.id == viewer },
                comments: postComments.map(\.comment),
                commentCount: postComments.isEmpty ? 0 : postComments[0].total ?? postComments.count,
                audience: isAuthor ? audience : nil, audienceLimited: limited, media: mediaByPost[id] ?? [])
        }
    }
}
