import Foundation
import MomentsClient
import MomentsCore

/// Carries out an `Effect`: the API call it stands for, and the `Action` that reports the
/// answer back to `update`. Failures become the message the user reads.
///
/// A comment, post or read gets an idempotency key when the user makes it and is sent again
/// under that key while the failure is one that passes (the server unreachable or restarting, 408, 409, 429,
/// 5xx), after each of `retryDelays`: a blip does not undo what the user did, and a retry of
/// a write that did reach the server does not make it twice.
struct EffectRunner: Sendable {
    let service: any MomentsService
    var retryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)]

    /// The action reporting the effect's result; nil for `.quit` and `.alert`, which the runtime
    /// handles.
    func run(_ effect: Effect) async -> Action? {
        switch effect {
        case .quit, .alert:
            return nil
        // Likes are not sent again: a like retried after the user's unlike went through would
        // undo the unlike. They are idempotent on the server; a failure shows and rolls back.
        case .like(let postId):
            return .likeSettled(
                postId: postId, await Self.outcome { try await service.like(postId: postId, idempotencyKey: nil) })
        case .unlike(let postId):
            return .likeSettled(
                postId: postId, await Self.outcome { try await service.unlike(postId: postId, idempotencyKey: nil) })
        case .comment(let postId, let text, let placeholderId):
            return .commentSettled(
                placeholderId: placeholderId, postId: postId,
                await write { try await service.comment(postId: postId, text: text, idempotencyKey: $0) })
        case .createPost(let text):
            return .postSettled(await write { try await service.createPost(text: text, idempotencyKey: $0) })
        case .loadFeed(let before):
            return .feedLoaded(
                await Self.outcome { try await service.feedPage(before: before) }, appending: before != nil)
        case .loadNotifications:
            return .notificationsLoaded(await Self.outcome { try await service.notificationPage() })
        case .markRead(let upTo):
            return .markedRead(await write { try await service.markRead(upTo: upTo, idempotencyKey: $0).unread })
        }
    }

    /// One write under one key, sent again after each of `retryDelays` while it fails in a way that passes.
    private func write<Value>(_ send: (String) async throws -> Value) async -> Outcome<Value> {
        let key = UUID().uuidString
        var delays = retryDelays[...]
        while true {
            do {
                return .success(try await send(key))
            } catch let error as ClientError where Self.passes(error) {
                guard let delay = delays.popFirst() else { return await Self.outcome { throw error } }
                try? await Task.sleep(for: delay)
            } catch {
                return await Self.outcome { throw error }
            }
        }
    }

    /// Failures worth the same request again: the server away or busy, not a refusal.
    static func passes(_ error: ClientError) -> Bool {
        switch error {
        case .transport: true
        case .api(let status, _, _): [408, 409, 429].contains(status) || status >= 500
        default: false
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
