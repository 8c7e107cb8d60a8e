import Hummingbird
import MomentsCore

/// The REST API of docs/protocol.md: profile, feed, posts, likes, comments, notifications.
struct APIRoutes {
    let store: any MomentsStore
    let limits: Limits

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("me") { _, context in
            try await store.me(try context.requireUser().id)
        }
        api.get("feed") { request, context in
            let limit = try request.integer(query: "limit", in: 1...100) ?? 20
            let before = try request.integer(query: "before", in: 1...Int64.max)
            return try await store.feed(viewer: try context.requireUser().id, before: before, limit: Int(limit))
        }
        api.post("posts") { request, context -> EditedResponse<Post> in
            let body = try await request.decodeBody(TextBody.self, limits: limits)
            let post = try await store.createPost(
                author: try context.requireUser().id, text: try TextRules.validate(body.text))
            return EditedResponse(status: .created, response: post)
        }
        api.post("posts/:id/likes") { _, context in
            try await store.like(viewer: try context.requireUser().id, postId: try context.postId())
        }
        api.delete("posts/:id/likes") { _, context in
            try await store.unlike(viewer: try context.requireUser().id, postId: try context.postId())
        }
        api.post("posts/:id/comments") { request, context -> EditedResponse<Comment> in
            let postId = try context.postId()
            let body = try await request.decodeBody(TextBody.self, limits: limits)
            let comment = try await store.comment(
                viewer: try context.requireUser().id, postId: postId, text: try TextRules.validate(body.text))
            return EditedResponse(status: .created, response: comment)
        }
        api.get("notifications") { request, context in
            let limit = try request.integer(query: "limit", in: 1...200) ?? 50
            let before = try request.integer(query: "before", in: 1...Int64.max)
            return try await store.notifications(user: try context.requireUser().id, before: before, limit: Int(limit))
        }
        api.post("notifications/read") { request, context in
            let body = try await request.decodeBody(MarkReadBody.self, limits: limits)
            guard body.upTo >= 0 else { throw APIError.badRequest("up_to must not be negative") }
            return UnreadCount(unread: try await store.markRead(user: try context.requireUser().id, upTo: body.upTo))
        }
    }
}

extension Me: ResponseEncodable {}
extension NotificationPage: ResponseEncodable {}
extension UnreadCount: ResponseEncodable {}
