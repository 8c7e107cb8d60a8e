import Hummingbird
import MomentsCore
import MomentsPush
import MomentsStore

/// Friends made and ended in the app (docs/protocol.md, "Friends"): the list, requests sent,
/// accepted and declined, and the end of a friendship.
struct FriendRoutes {
    let store: any MomentsStore
    let limits: Limits
    let idempotency: IdempotencyGate

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("friends") { _, context in
            FriendList(friends: try await store.friends(of: try context.requireUser().id))
        }
        api.get("friends/requests") { _, context in
            try await store.friendRequests(user: try context.requireUser().id)
        }
        api.post("friends/requests") { request, context in
            let user = try context.requireUser().id
            let (body, bytes) = try await request.decodeBodyKeepingBytes(FriendRequestBody.self, limits: limits)
            let note = try NoteRules.validate(body.note ?? "")
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", body: bytes,
                status: { outcome in if case .sent = outcome { .created } else { .ok } }, encode: Self.write
            ) { try await store.requestFriend(from: user, to: body.to, note: note, idempotent: $0) }
        }
        for (answer, accept) in [("accept", true), ("decline", false)] {
            api.post("friends/requests/:id/\(answer)") { request, context in
                let user = try context.requireUser().id
                guard let raw = context.parameters.get("id"), let id = Int64(raw), id > 0 else {
                    throw APIError.badRequest("request id must be a positive integer")
                }
                return try await idempotency.respond(to: request, scope: "user:\(user)", encode: Self.writeFriends) {
                    try await store.answerFriendRequest(id: id, by: user, accept: accept, idempotent: $0)
                }
            }
        }
        api.delete("friends/:user") { request, context in
            let user = try context.requireUser().id
            let other = try context.parameters.require("user")
            return try await idempotency.respond(to: request, scope: "user:\(user)", encode: Self.writeFriends) {
                try await store.unfriend(user, other, idempotent: $0)
            }
        }
    }

    /// `{"friends": true|false}`: whether the two are friends now.
    private static func writeFriends(_ friends: Bool, to out: inout ByteBuffer) {
        out.writeStaticString(friends ? #"{"friends":true}"# : #"{"friends":false}"#)
    }

    /// A request sent, `{"created_at", "id", "note", "to"}`, or the two befriended.
    private static func write(_ outcome: FriendRequestOutcome, to out: inout ByteBuffer) {
        guard case .sent(let request) = outcome else { return writeFriends(true, to: &out) }
        out.writeStaticString(#"{"created_at":""#)
        out.writeJSONDate(request.createdAt)
        out.writeStaticString(#"","id":"#)
        out.writeString(String(request.id))
        out.writeStaticString(#","note":"#)
        out.writeJSONString(request.note)
        if let to = request.to {
            out.writeStaticString(#","to":"#)
            out.writeJSONUser(to)
        }
        out.writeStaticString("}")
    }
}

extension FriendList: ResponseEncodable {}
extension FriendRequests: ResponseEncodable {}
