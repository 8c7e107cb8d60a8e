import Foundation
import MomentsCore

/// What the server needs from durable storage. Every event a write creates reaches the push
/// hub once committed, in commit order, so live pushes never overtake one another: the
/// embedded store hands them to its `EventSink`; the shared one announces them to every node's
/// `PostgresFanout`.
public protocol MomentsStore: Sendable {
    func isEmpty() async throws -> Bool
    /// Creates the user, or renames them when `name` is given and they exist.
    @discardableResult func saveUser(id: String, name: String?) async throws -> UserSummary
    func user(id: String) async throws -> UserSummary?
    func befriend(_ a: String, _ b: String) async throws
    func me(_ user: String) async throws -> Me

    func feed(viewer: String, before: Int64?, limit: Int) async throws -> FeedPage
    func createPost(author: String, text: String) async throws -> Post
    /// Idempotent; throws `StoreError.notFound` when the viewer cannot see the post.
    func like(viewer: String, postId: Int64) async throws -> Post
    func unlike(viewer: String, postId: Int64) async throws -> Post
    func comment(viewer: String, postId: Int64, text: String) async throws -> Comment

    func notifications(user: String, before: Int64?, limit: Int) async throws -> NotificationPage
    /// Marks the user's events with `id <= upTo` read; answers the remaining unread count.
    func markRead(user: String, upTo: Int64) async throws -> Int
    /// A `custom` event with `data` (JSON text) for each recipient, or every user when nil;
    /// answers the event ids. Unknown recipients: `StoreError.notFound`, nothing stored.
    func publish(to recipients: [String]?, data: String) async throws -> [Int64]
    /// The user's events after `cursor`, oldest first, with `unread` as it is now.
    func events(user: String, after cursor: Int64, limit: Int) async throws -> [Delivery]
    /// The id of the user's newest event (0 if none) and their unread count.
    func streamPosition(user: String) async throws -> StreamPosition
    /// Releases connections; the store is not used afterwards.
    func close() async
}

extension MomentsStore {
    public func close() async {}
}

public struct StreamPosition: Sendable, Equatable {
    public var cursor: Int64
    public var unread: Int
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)

    public var description: String {
        switch self {
        case .notFound(let what): what
        }
    }
}

/// A committed event and the user whose stream it belongs to.
public struct Delivery: Sendable {
    public var recipient: String
    /// Its wire fields; `event.data` is left empty: a `custom` event's data is `data`.
    public var event: Event
    /// A `custom` event's data as the JSON text it was published (and stored) as: pushed as
    /// given, never decoded on the way.
    public var data: String?

    public init(recipient: String, event: Event, data: String? = nil) {
        self.recipient = recipient
        self.event = event
        self.data = data
    }
}

/// Where the embedded store hands committed events: the node's push hub.
public protocol EventSink: Sendable {
    func publish(_ deliveries: [Delivery])
}
