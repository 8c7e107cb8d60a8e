import MomentsCore

extension Post {
    /// The post a `post` event announces, as the feed shows a new one: no likes or comments yet.
    init?(announcedBy event: Event) {
        guard event.type == .post, let id = event.postId, let author = event.actor else { return nil }
        self.init(
            id: id, author: author, text: event.text ?? "", createdAt: event.createdAt, likeCount: 0, likers: [],
            likedByMe: false)
    }
}
