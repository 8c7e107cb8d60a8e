import Foundation
import MomentsClient
import MomentsCore

/// Carries out an `Effect`: the API call it stands for, and the `Action` that reports the
/// answer back to `update`. Failures become the message the user reads.
///
/// Likes, unlikes, comments, posts and deletes go through the `Outbox`: kept on disk before they are
/// sent, sent in order under a key of their own, again while the server is away, and answered
/// whenever the server does — `report` turns the outbox's events into the actions that settle
/// them. Reads are marked with their own retries (`retryDelays`), under one key.
struct EffectRunner: Sendable {
    let service: any MomentsService
    let outbox: Outbox
    let writes = WriteTracker()
    var retryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)]

    /// - Parameter outbox: where writes wait; one in memory, sending through `service`, by default.
    init(service: any MomentsService, outbox: Outbox? = nil, retryDelays: [Duration]? = nil) {
        self.service = service
        self.outbox = outbox ?? (try! Outbox(journal: nil) { [service] in try await service.send($0) })
        if let retryDelays { self.retryDelays = retryDelays }
    }

    /// The action reporting the effect's result; nil for effects whose answer comes later
    /// (writes, through `report`) and for `.quit` and `.alert`, which the runtime handles.
    func run(_ effect: Effect) async -> Action? {
        switch effect {
        case .quit, .alert:
            return nil
        case .like(let postId):
            return await keep(.like(postId: postId), reported: .like(postId: postId))
        case .unlike(let postId):
            return await keep(.unlike(postId: postId), reported: .like(postId: postId))
        case .comment(let postId, let text, let placeholderId, let replyTo):
            return await keep(
                .comment(postId: postId, text: text, replyTo: replyTo),
                reported: .comment(postId: postId, placeholderId: placeholderId))
        case .createPost(let text, let audience, let mentions, let drafts):
            // The files are read now: what is kept is what was attached, whatever happens to them.
            var pictures: [OutboxPicture] = []
            for draft in drafts {
                guard let bytes = FileManager.default.contents(atPath: draft.path) else {
                    return .postRefused(text: text, reason: "cannot read \(draft.path)")
                }
                pictures.append(OutboxPicture(bytes: bytes, alt: draft.alt))
            }
            return await keep(
                .post(text: text, audience: audience, mentions: mentions, pictures: pictures.isEmpty ? nil : pictures),
                reported: .post(text: text))
        case .deleteComment(let postId, let commentId):
            return await keep(.deleteComment(postId: postId, commentId: commentId), reported: .delete)
        case .deletePost(let postId):
            return await keep(.deletePost(postId: postId), reported: .delete)
        case .adopt(let id, let placeholderId, let postId):
            await writes.track(id, .comment(postId: postId, placeholderId: placeholderId))
            return nil
        case .retryComment(let placeholderId, let postId, let text):
            guard let id = await writes.id(of: placeholderId) else {
                // Never kept (the journal could not be written then): kept now.
                return await keep(
                    .comment(postId: postId, text: text),
                    reported: .comment(postId: postId, placeholderId: placeholderId))
            }
            try? await outbox.retry(id)
            return await waiting()
        case .letGo(let id):
            try? await outbox.discard(id)
            return await waiting()
        case .discardComment(let placeholderId):
            if let id = await writes.id(of: placeholderId) {
                try? await outbox.discard(id)
                await writes.forget(id)
            }
            return await waiting()
        case .loadFeed(let before):
            return .feedLoaded(
                await Self.outcome { try await service.feedPage(before: before) }, appending: before != nil)
        case .loadPost(let id):
            return .postLoaded(postId: id, await Self.outcome { try await service.wholePost(id) })
        case .loadNotifications:
            return .notificationsLoaded(await Self.outcome { try await service.notificationPage() })
        case .loadNotificationGroups:
            return .notificationGroupsLoaded(await Self.outcome { try await service.groupPage() })
        case .loadFriends:
            return .friendsLoaded(await Self.outcome { try await service.friendLists() })
        // Answered at once or said to have failed: nothing waits in the outbox for these, and a
        // key makes a retry by the user happen once.
        case .requestFriend(let user, let note):
            return .friendsChanged(
                await Self.outcome {
                    switch try await service.requestFriend(user, note: note, idempotencyKey: UUID().uuidString) {
                    case .sent: .requested(user)
                    case .befriended: .befriended(user)
                    }
                })
        case .answerFriendRequest(let id, let from, let accept):
            return .friendsChanged(
                await Self.outcome {
                    _ = try await service.answerFriendRequest(id, accept: accept, idempotencyKey: UUID().uuidString)
                    return accept ? .befriended(from) : .declined(from)
                })
        case .unfriend(let user):
            return .friendsChanged(
                await Self.outcome {
                    try await service.unfriend(user.id, idempotencyKey: UUID().uuidString)
                    return .unfriended(user.name)
                })
        case .markRead(let upTo):
            return .markedRead(await markRead(upTo: upTo))
        }
    }

    /// The writes the outbox kept from an earlier run, for `update` to show as waiting again.
    func restored() async -> [OutboxEntry] {
        let entries = await outbox.entries
        for entry in entries {
            switch entry.write {
            case .like(let postId), .unlike(let postId): await writes.track(entry.id, .like(postId: postId))
            case .post(let text, _, _, _): await writes.track(entry.id, .post(text: text))
            case .comment: break  // tracked once `update` has its placeholder (`.adopt`)
            case .deleteComment, .deletePost: await writes.track(entry.id, .delete)
            }
        }
        return entries
    }

    /// What an outbox event means to `update`: the write settled, refused, or still waiting.
    func report(_ event: Outbox.Event) async -> [Action] {
        switch event {
        case .waiting:
            return [await waiting(offline: true)]
        case .answered(let entry, let answer):
            let report = await writes.forget(entry.id)
            let settled: Action? =
                switch (report, answer) {
                case (.like(let postId), .post(let post)): .likeSettled(postId: postId, .success(post))
                case (.post, .post(let post)): .postSettled(.success(post))
                case (.comment(let postId, let placeholderId), .comment(let comment)):
                    .commentSettled(placeholderId: placeholderId, postId: postId, .success(comment))
                default: nil
                }
            let count = await waiting()
            return (settled.map { [$0] } ?? []) + [count]
        case .refused(let entry):
            let reason = entry.refusal ?? "refused"
            switch await writes.report(for: entry.id) {
            case .like(let postId):
                // Shown rolled back: nothing is left to send again.
                try? await outbox.discard(entry.id)
                await writes.forget(entry.id)
                return [.likeSettled(postId: postId, .failure(reason)), await waiting()]
            case .post(let text):
                // Back in the editor, so nothing typed is lost.
                try? await outbox.discard(entry.id)
                await writes.forget(entry.id)
                return [.postRefused(text: text, reason: reason), await waiting()]
            case .comment(let postId, let placeholderId):
                return [.commentRefused(placeholderId: placeholderId, postId: postId, reason: reason), await waiting()]
            case .delete:
                // Gone from the screen already; nothing to send again, the reason said.
                try? await outbox.discard(entry.id)
                await writes.forget(entry.id)
                return [.deleteRefused(reason: reason), await waiting()]
            case nil:
                return [await waiting()]
            }
        }
    }

    private func keep(_ write: OutboxEntry.Write, reported report: WriteTracker.Report) async -> Action? {
        // Tracked before it is kept: its answer may come at once.
        let id = UUID().uuidString
        await writes.track(id, report)
        do {
            try await outbox.add(write, id: id)
            return await waiting()
        } catch {
            await writes.forget(id)
            // Not kept, so not sent: said as a refusal would be.
            let reason = "cannot keep it to send: \(error)"
            return switch report {
            case .like(let postId): .likeSettled(postId: postId, .failure(reason))
            case .post(let text): .postRefused(text: text, reason: reason)
            case .comment(let postId, let placeholderId):
                .commentRefused(placeholderId: placeholderId, postId: postId, reason: reason)
            case .delete: .deleteRefused(reason: reason)
            }
        }
    }

    /// How many writes wait to be sent, as the action that says it.
    func waiting(offline: Bool = false) async -> Action {
        .outboxWaiting(count: await outbox.entries.count { $0.refusal == nil }, offline: offline)
    }

    /// Marked read under one key, sent again after each of `retryDelays` while it fails in a way that passes.
    private func markRead(upTo: Int64) async -> Outcome<Int> {
        let key = UUID().uuidString
        var delays = retryDelays[...]
        while true {
            do {
                return .success(try await service.markRead(upTo: upTo, idempotencyKey: key).unread)
            } catch let error as ClientError where Outbox.passes(error) {
                guard let delay = delays.popFirst() else { return await Self.outcome { throw error } }
                try? await Task.sleep(for: delay)
            } catch {
                return await Self.outcome { throw error }
            }
        }
    }

    static func outcome<Value>(_ work: () async throws -> Value) async -> Outcome<Value> {
        do {
            return .success(try await work())
        } catch let error as ClientError {
            switch error {
            // The server's own words, not the status and code around them.
            case .api(_, _, let message): return .failure(message)
            // As a person would say it; the details are in the log.
            case .transport: return .failure("server unreachable")
            default: return .failure(error.description)
            }
        } catch {
            return .failure(String(describing: error))
        }
    }
}

/// Which outbox entry stands for which write on screen, so its answer settles the right one.
actor WriteTracker {
    enum Report: Equatable, Sendable {
        case like(postId: Int64)
        case comment(postId: Int64, placeholderId: Int64)
        case post(text: String)
        case delete
    }

    private var reports: [String: Report] = [:]

    func track(_ id: String, _ report: Report) { reports[id] = report }

    func report(for id: String) -> Report? { reports[id] }

    @discardableResult
    func forget(_ id: String) -> Report? { reports.removeValue(forKey: id) }

    func id(of placeholderId: Int64) -> String? {
        reports.first { if case .comment(_, placeholderId) = $0.value { true } else { false } }?.key
    }
}
