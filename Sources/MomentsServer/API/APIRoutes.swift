import Hummingbird
import MomentsCore
import MomentsPush
import MomentsStore

/// The REST API of docs/protocol.md: profile, feed, posts and their audiences, likes,
/// comments, notifications (friends: `FriendRoutes`).
struct APIRoutes {
    let store: any MomentsStore
    let limits: Limits
    let idempotency: IdempotencyGate
    let revocations: Revocations
    let signer: MediaSigner

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("me") { _, context in
            try await store.me(try context.requireUser().id)
        }
        api.get("feed") { request, context in
            let limit = try request.integer(query: "limit", in: 1...100) ?? 20
            let before = try request.integer(query: "before", in: 1...Int64.max)
            let user = try context.requireUser().id
            let page = try await store.feed(viewer: user, before: before, limit: Int(limit))
            let links = MediaLinks(signer: signer, viewer: user)
            return Response.json { PostJSON.write(page, links: links, to: &$0) }
        }
        api.post("posts") { request, context in
            let user = try context.requireUser().id
            let (body, bytes) = try await request.decodeBodyKeepingBytes(NewPostBody.self, limits: limits)
            let media = try MediaRules.validate(body.media ?? [])
            let text = try TextRules.validate(body.text, mayBeEmpty: !media.isEmpty)
            let audience = try AudienceRules.validate(body.audience ?? .friends)
            let mentions = try AudienceRules.validateMentions(body.mentions ?? [])
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", body: bytes, status: .created, encode: postJSON(for: user)
            ) {
                try await store.createPost(
                    author: user, text: text, audience: audience, mentions: mentions, media: media, idempotent: $0)
            }
        }
        api.delete("posts/:id") { request, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", status: .noContent, encode: { _, _ in }
            ) { try await store.deletePost(by: user, postId: postId, idempotent: $0) }
        }
        api.delete("posts/:id/comments/:comment_id") { request, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            let commentId = try context.id("comment_id", what: "comment")
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", status: .noContent, encode: { _, _ in }
            ) { try await store.deleteComment(by: user, postId: postId, commentId: commentId, idempotent: $0) }
        }
        api.get("posts/:id") { _, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            let post = try await store.post(id: postId, viewer: user)
            let links = MediaLinks(signer: signer, viewer: user)
            return Response.json { PostJSON.write(post, links: links, to: &$0) }
        }
        api.put("posts/:id/audience") { request, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            let (body, bytes) = try await request.decodeBodyKeepingBytes(Audience.self, limits: limits)
            let audience = try AudienceRules.validate(body)
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", body: bytes, encode: postJSON(for: user)
            ) {
                try await store.setAudience(author: user, postId: postId, audience: audience, idempotent: $0)
            }
        }
        api.post("posts/:id/likes") { request, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            return try await idempotency.respond(to: request, scope: "user:\(user)", encode: postJSON(for: user)) {
                try await store.like(viewer: user, postId: postId, idempotent: $0)
            }
        }
        api.delete("posts/:id/likes") { request, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            return try await idempotency.respond(to: request, scope: "user:\(user)", encode: postJSON(for: user)) {
                try await store.unlike(viewer: user, postId: postId, idempotent: $0)
            }
        }
        api.post("posts/:id/comments") { request, context in
            let (user, postId) = (try context.requireUser().id, try context.postId())
            let (body, bytes) = try await request.decodeBodyKeepingBytes(TextBody.self, limits: limits)
            let text = try TextRules.validate(body.text)
            if let replyTo = body.replyTo, replyTo < 1 {
                throw APIError.badRequest("reply_to must be a comment id")
            }
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", body: bytes, status: .created,
                encode: { comment, out in PostJSON.write(comment, to: &out) }
            ) {
                try await store.comment(viewer: user, postId: postId, text: text, replyTo: body.replyTo, idempotent: $0)
            }
        }
        // "Sign out everywhere": every token of the caller issued until now, this one included.
        api.post("tokens/revoke") { _, context in
            let before = try await revocations.revoke(user: try context.requireUser().id)
            return Response.json { out in
                out.writeStaticString(#"{"revoked_before":""#)
                out.writeJSONDate(StoreClock.date(before))
                out.writeStaticString(#""}"#)
            }
        }
        api.get("notifications") { request, context in
            let limit = try request.integer(query: "limit", in: 1...200) ?? 50
            let before = try request.integer(query: "before", in: 1...Int64.max)
            let user = try context.requireUser().id
            guard try request.flag(query: "grouped") else {
                return try await store.notifications(user: user, before: before, limit: Int(limit)).response(
                    from: request, context: context)
            }
            let page = try await store.notificationGroups(user: user, before: before, limit: Int(limit))
            return try page.response(from: request, context: context)
        }
        api.post("notifications/read") { request, context in
            let user = try context.requireUser().id
            let (body, bytes) = try await request.decodeBodyKeepingBytes(MarkReadBody.self, limits: limits)
            guard body.upTo >= 0 else { throw APIError.badRequest("up_to must not be negative") }
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", body: bytes,
                encode: { unread, out in
                    out.writeStaticString(#"{"unread":"#)
                    out.writeString(String(unread))
                    out.writeStaticString("}")
                }
            ) { try await store.markRead(user: user, upTo: body.upTo, idempotent: $0) }
        }
    }
}

extension APIRoutes {
    /// Posts as `user` gets them: pictures' addresses signed for them.
    func postJSON(for user: String) -> @Sendable (Post, inout ByteBuffer) -> Void {
        let links = MediaLinks(signer: signer, viewer: user)
        return { post, out in PostJSON.write(post, links: links, to: &out) }
    }
}

extension Me: ResponseEncodable {}
extension GroupedNotificationPage: ResponseEncodable {}
extension NotificationListing: ResponseGenerator {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json { EventJSON.writeNotifications(self, to: &$0) }
    }
}
