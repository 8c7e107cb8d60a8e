import MomentsClient
import MomentsCore

/// Carries out an `Effect`: the API call it stands for, and the `Action` that reports the
/// answer back to `update`. Failures become the message the user reads.
struct EffectRunner: Sendable {
    let service: any MomentsService

    /// The action reporting the effect's result; nil for `.quit`, which the runtime handles.
    func run(_ effect: Effect) async -> Action? {
        switch effect {
        case .quit:
            return nil
        case .like(let postId):
            return .likeSettled(postId: postId, await Self.outcome { try await service.like(postId: postId) })
        case .unlike(let postId):
            return .likeSettled(postId: postId, await Self.outcome { try await service.unlike(postId: postId) })
        case .comment(let postId, let text, let placeholderId):
            return .commentSettled(
                placeholderId: placeholderId, postId: postId,
                await Self.outcome { try await service.comment(postId: postId, text: text) })
        case .createPost(let text):
            return .postSettled(await Self.outcome { try await service.createPost(text: text) })
        case .loadFeed(let before):
            return .feedLoaded(
                await Self.outcome { try await service.feedPage(before: before) }, appending: before != nil)
        case .loadNotifications:
            return .notificationsLoaded(await Self.outcome { try await service.notificationPage() })
        case .markRead(let upTo):
            return .markedRead(await Self.outcome { try await service.markRead(upTo: upTo).unread })
        }
    }

    static func outcome<Value>(_ work: () async throws -> Value) async -> Outcome<Value> {
        do {
            return .success(try await work())
        } catch let error as ClientError {
            // The server's own words, not the status and code around them.
            if case .api(_, _, let message) = error { return .failure(message) }
            return .failure(error.description)
        } catch {
            return .failure(String(describing: error))
        }
    }
}
