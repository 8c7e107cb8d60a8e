/// Work `update` asks the runtime for. `EffectRunner` turns each request into an API call and
/// its answer into the `Action` that reports it; `.quit` ends the loop.
public enum Effect: Equatable, Sendable {
    case like(postId: Int64)
    case unlike(postId: Int64)
    case comment(postId: Int64, text: String, placeholderId: Int64)
    case createPost(text: String)
    /// A comment the outbox kept from an earlier run now has this placeholder on screen.
    case adopt(id: String, placeholderId: Int64, postId: Int64)
    /// A refused comment: send it again as it was, or let it go.
    case retryComment(placeholderId: Int64)
    case discardComment(placeholderId: Int64)
    case loadFeed(before: Int64?)
    case loadNotifications
    case markRead(upTo: Int64)
    /// Get the attention of a user who is not looking (the runtime picks the terminal's way).
    case alert(String)
    case quit
}
