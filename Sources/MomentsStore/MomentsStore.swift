import Foundation
import MomentsCore

/// What the server needs from durable storage. Every event a write creates reaches the node's
/// `EventSink` (its push hub) once committed, in commit order, so live pushes never overtake
/// one another: the embedded store hands each batch over itself; the shared one announces it,
/// and every node's `PostgresFeed` hands it over.
public protocol MomentsStore: Sendable {
    func isEmpty() async throws -> Bool
    /// Creates the user, or renames them when `name` is given and they exist.
    @discardableResult func saveUser(id: String, name: String?) async throws -> UserSummary
    func user(id: String) async throws -> UserSummary?
    func me(_ user: String) async throws -> Me

    // What a user sees follows the rules of `Visibility`, on every read.
    /// The posts the viewer may see, newest first, each with its latest three visible comments.
    func feed(viewer: String, before: Int64?, limit: Int) async throws -> FeedPage
    /// The post with every like and comment the viewer may see; `StoreError.notFound` when the
    /// viewer may not see it.
    func post(id: Int64, viewer: String) async throws -> Post

    // Writes: with `idempotent`, the answer is kept under its key in the write's transaction;
    // a key already holding an unexpired answer fails the write with `StoreError.keyTaken`.
    // A write that breaks a rule throws `StoreError.refused` (or `.notFound`), nothing written.
    /// Everyone named in `audience` must be the author's friend; everyone in `mentions`, a
    /// friend inside the audience (told with a `mention` event).
    /// Pictures (`media`, up to nine, in order) must be the author's uploads no post has yet.
    func createPost(
        author: String, text: String, audience: Audience, mentions: [String], media: [MediaAttachment],
        idempotent: Idempotent<Post>?
    ) async throws -> Post
    /// By the post's author only; answers the post as its author sees it.
    func setAudience(author: String, postId: Int64, audience: Audience, idempotent: Idempotent<Post>?) async throws
        -> Post
    /// Idempotent; throws `StoreError.notFound` when the viewer cannot see the post.
    func like(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post
    func unlike(viewer: String, postId: Int64, idempotent: Idempotent<Post>?) async throws -> Post
    /// A reply when `replyTo` names a comment of the post the viewer may see (else
    /// `StoreError.notFound`).
    func comment(viewer: String, postId: Int64, text: String, replyTo: Int64?, idempotent: Idempotent<Comment>?)
        async throws -> Comment
    /// By the comment's author or the post's: erased (its words nowhere in the store), and
    /// everyone who was told of it or may see it is told. Asked again by either: done already.
    /// Anyone else, or no such comment: `StoreError.notFound`.
    func deleteComment(by user: String, postId: Int64, commentId: Int64, idempotent: Idempotent<Void>?) async throws
    /// By its author: erased with its likes and comments, as `deleteComment` does.
    func deletePost(by user: String, postId: Int64, idempotent: Idempotent<Void>?) async throws

    func notifications(user: String, before: Int64?, limit: Int) async throws -> NotificationListing
    /// The notifications list grouped (`NotificationGroup`): `limit` groups whose newest event
    /// is before `before`.
    func notificationGroups(user: String, before: Int64?, limit: Int) async throws -> GroupedNotificationPage
    /// Marks the user's events with `id <= upTo` read; answers the remaining unread count.
    func markRead(user: String, upTo: Int64, idempotent: Idempotent<Int>?) async throws -> Int

    // Friends. Every change of who is whose friend re-judges, in its transaction, what each side
    // may see of the other (and so their unread counts).
    func friends(of user: String) async throws -> [UserSummary]
    /// The operator's way: friends at once (no one is told).
    func befriend(_ a: String, _ b: String) async throws
    func requestFriend(from: String, to: String, note: String, idempotent: Idempotent<FriendRequestOutcome>?)
        async throws -> FriendRequestOutcome
    func friendRequests(user: String) async throws -> FriendRequests
    /// By the addressee only; answers whether the two are friends now.
    func answerFriendRequest(id: Int64, by user: String, accept: Bool, idempotent: Idempotent<Bool>?) async throws
        -> Bool
    /// Ends the friendship for both sides; `StoreError.notFound` when there is none. Answers
    /// whether the two are friends now (no), as `answerFriendRequest` does.
    @discardableResult func unfriend(_ user: String, _ other: String, idempotent: Idempotent<Bool>?) async throws
        -> Bool
    /// A `custom` event with `data` (JSON text) for each recipient, or every user when nil;
    /// answers the event ids. Unknown recipients: `StoreError.notFound`, nothing stored.
    func publish(to recipients: [String]?, data: String, idempotent: Idempotent<[Int64]>?) async throws -> [Int64]
    /// The answer kept under `key`, if it was stored at or after `since` (ms since 1970).
    func storedAnswer(for key: IdempotencyKey, since: Int64) async throws -> StoredAnswer?
    /// Removes answers stored before `cutoff`: their keys are free again anyway.
    func forgetAnswers(before cutoff: Int64) async throws
    /// The user's events after `cursor`, oldest first, with `unread` as it is now.
    func events(user: String, after cursor: Int64, limit: Int) async throws -> [StoredEvent]
    /// The id of the user's newest event (0 if none) and their unread count.
    func streamPosition(user: String) async throws -> StreamPosition
    /// The epoch, what retention has pruned (store-wide, and of `user`'s events) and the newest
    /// id: where cursors stand.
    func history(user: String) async throws -> StreamHistory
    /// Deletes the oldest events, up to `limit`, from the front of the stream, stopping at the
    /// first one not older than `cutoff`; answers how many went. Unread counts follow.
    func pruneEvents(olderThan cutoff: Date, limit: Int) async throws -> Int
    /// Every token of `user` issued before `before` (ms since 1970) is refused from now on, on
    /// every node (kept in the store; a later revocation moves the cut-off forward only).
    func revokeTokens(user: String, before: Int64) async throws
    /// The users whose tokens were revoked at or after `since` (ms), with their cut-offs.
    func revocations(since: Int64) async throws -> [String: Int64]
    // Pictures: the bytes are the server's re-encoding (`NewMedia`), shared by digest and
    // counted, gone with the last row naming them.
    /// Stores an upload, unattached, under its owner.
    func saveMedia(_ media: NewMedia, idempotent: Idempotent<MediaUploaded>?) async throws -> MediaUploaded
    /// The picture's bytes in `size`, or nil when there is no such picture or the viewer may
    /// not see it (`Visibility.mediaSQL`: its owner while no post has it, then whoever may see
    /// its post).
    func mediaContent(id: String, size: MediaSize, viewer: String) async throws -> MediaContent?
    /// How many pictures `owner` uploaded at or after `since` (the hourly limit).
    func uploads(by owner: String, since: Date) async throws -> Int
    /// Removes uploads no post took before `cutoff`, and pictures whose post is gone; then the
    /// bytes nothing names any more. Answers how many pictures went.
    func sweepMedia(unattachedBefore cutoff: Date) async throws -> Int
    /// Releases connections; the store is not used afterwards.
    func close() async
}

extension MomentsStore {
    public func close() async {}

    // The writes without a key, as everything but the REST routes makes them.
    public func createPost(
        author: String, text: String, audience: Audience = .friends, mentions: [String] = []
    ) async throws -> Post {
        try await createPost(
            author: author, text: text, audience: audience, mentions: mentions, media: [], idempotent: nil)
    }
    public func createPost(
        author: String, text: String, audience: Audience, mentions: [String], idempotent: Idempotent<Post>?
    ) async throws -> Post {
        try await createPost(
            author: author, text: text, audience: audience, mentions: mentions, media: [], idempotent: idempotent)
    }
    public func saveMedia(_ media: NewMedia) async throws -> MediaUploaded {
        try await saveMedia(media, idempotent: nil)
    }
    public func setAudience(author: String, postId: Int64, audience: Audience) async throws -> Post {
        try await setAudience(author: author, postId: postId, audience: audience, idempotent: nil)
    }
    public func requestFriend(from: String, to: String, note: String = "") async throws -> FriendRequestOutcome {
        try await requestFriend(from: from, to: to, note: note, idempotent: nil)
    }
    @discardableResult
    public func answerFriendRequest(id: Int64, by user: String, accept: Bool) async throws -> Bool {
        try await answerFriendRequest(id: id, by: user, accept: accept, idempotent: nil)
    }
    public func unfriend(_ user: String, _ other: String) async throws {
        try await unfriend(user, other, idempotent: nil)
    }
    public func like(viewer: String, postId: Int64) async throws -> Post {
        try await like(viewer: viewer, postId: postId, idempotent: nil)
    }
    public func unlike(viewer: String, postId: Int64) async throws -> Post {
        try await unlike(viewer: viewer, postId: postId, idempotent: nil)
    }
    public func comment(viewer: String, postId: Int64, text: String, replyTo: Int64? = nil) async throws -> Comment {
        try await comment(viewer: viewer, postId: postId, text: text, replyTo: replyTo, idempotent: nil)
    }
    public func deleteComment(by user: String, postId: Int64, commentId: Int64) async throws {
        try await deleteComment(by: user, postId: postId, commentId: commentId, idempotent: nil)
    }
    public func deletePost(by user: String, postId: Int64) async throws {
        try await deletePost(by: user, postId: postId, idempotent: nil)
    }
    public func markRead(user: String, upTo: Int64) async throws -> Int {
        try await markRead(user: user, upTo: upTo, idempotent: nil)
    }
    public func publish(to recipients: [String]?, data: String) async throws -> [Int64] {
        try await publish(to: recipients, data: data, idempotent: nil)
    }
}
