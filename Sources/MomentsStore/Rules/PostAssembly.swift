import MomentsCore

/// Posts as a viewer sees them, put together from the three reads both stores make (the posts,
/// their likers in like order, their comments in id order).
enum PostAssembly {
    struct PostRow {
        var id: Int64
        var author: UserSummary
        var text: String
        var createdAt: Int64
    }

    struct LikerRow {
        var postId: Int64
        var liker: UserSummary
    }

    /// In the order of `ids`; ids with no row (not visible, or gone) are left out.
    static func posts(
        ids: [Int64], rows: [PostRow], likers: [LikerRow], comments: [Comment], viewer: String
    ) -> [Post] {
        let likersByPost = Dictionary(grouping: likers, by: \.postId).mapValues { $0.map(\.liker) }
        let commentsByPost = Dictionary(grouping: comments, by: \.postId)
        let rowsById = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { id in
            guard let row = rowsById[id] else { return nil }
            let postLikers = likersByPost[id] ?? []
            return Post(
                id: id, author: row.author, text: row.text, createdAt: StoreClock.date(row.createdAt),
                likeCount: postLikers.count, likers: postLikers, likedByMe: postLikers.contains { $0.id == viewer },
                comments: commentsByPost[id] ?? [])
        }
    }
}
