import Foundation
import Hummingbird
import MomentsCore
import MomentsPush
import MomentsStore

/// `POST /api/publish`, for backend services (as Centrifugo's and Nchan's publish APIs): a
/// `custom` event through the same durable stream and push path as a like.
struct PublishRoute {
    static let maxRecipients = 1000

    let store: any MomentsStore
    let key: String
    let limits: Limits
    let idempotency: IdempotencyGate

    func register(on router: Router<MomentsRequestContext>) {
        router.post("api/publish") { request, context in
            guard let given = request.headers[.apiKey], PublisherKey.matches(given, key) else {
                throw APIError.unauthorized("missing or wrong X-API-Key")
            }
            context.note.user = "publisher"
            let (body, bytes) = try await request.decodeBodyKeepingBytes(PublishBody.self, limits: limits)
            guard let data = body.data else { throw APIError.badRequest("data is required") }
            let recipients: [String]?
            switch (body.users, body.broadcast ?? false) {
            case (nil, true):
                recipients = nil
            case (let users?, false) where !users.isEmpty && users.count <= Self.maxRecipients:
                recipients = Array(Set(users)).sorted()
            default:
                throw APIError.badRequest(
                    "give either users (1 to \(Self.maxRecipients) user ids) or broadcast: true, not both")
            }
            return try await idempotency.respond(to: request, scope: "publisher", body: bytes, encode: Self.write) {
                try await store.publish(to: recipients, data: data, idempotent: $0)
            }
        }
    }

    /// `{"ids": [...]}`, written by hand, as events are: the answer to every publish, on the hot path.
    static func write(_ ids: [Int64], to body: inout ByteBuffer) {
        body.writeStaticString(#"{"ids":"#)
        body.writeJSONArray(ids) { $0.writeString(String($1)) }
        body.writeStaticString("}")
    }
}
