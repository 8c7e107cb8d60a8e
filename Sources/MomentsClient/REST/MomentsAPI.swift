import AsyncHTTPClient
import Foundation
import MomentsCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// The REST half of docs/protocol.md, over AsyncHTTPClient.
public struct MomentsAPI: Sendable {
    public let token: String
    /// For `wss://`: the same trust as the HTTP client's; nil means the system's.
    public let tls: TLSConfiguration?
    /// The cluster's nodes; requests go to the current one.
    public let rotation: ServerRotation
    private let http: HTTPClient

    /// The node requests go to now.
    public var server: URL { rotation.current }

    /// - Parameters:
    ///   - server: base URL, e.g. `http://127.0.0.1:8080` or `https://moments.example.com`.
    ///   - http: the HTTP client, configured with the same trust as `tls`.
    public init(server: URL, token: String, http: HTTPClient = .shared, tls: TLSConfiguration? = nil) {
        self.init(servers: [server], token: token, http: http, tls: tls)
    }

    /// Several nodes of one cluster: a request that cannot reach the current node is sent to
    /// another if it is safe to repeat (a read, or a write with an `idempotencyKey`), and the
    /// client stays there. Give it an HTTP client that fails a refused connection at once
    /// (`ServerTrust.makeHTTPClient(failFast:)`), or each dead node costs the request's deadline.
    public init(servers: [URL], token: String, http: HTTPClient = .shared, tls: TLSConfiguration? = nil) {
        self.rotation = ServerRotation(servers)
        self.token = token
        self.http = http
        self.tls = tls
    }

    /// - Parameter deadline: a short one suits start-up checks: an unreachable server is
    ///   retried until the deadline passes.
    public func me(deadline: Duration = .seconds(15)) async throws -> Me {
        try await send(.GET, "/api/me", deadline: .nanoseconds(Int64(deadline.components.seconds) * 1_000_000_000))
    }

    /// Whether the current node says it is draining (`/readyz`: 503 with `draining`): a node
    /// refusing a WebSocket upgrade for that reason looks, to the WebSocket client, like one
    /// whose path cannot carry WebSockets. False when it cannot tell.
    public func isDraining() async -> Bool {
        var components = URLComponents(url: rotation.current, resolvingAgainstBaseURL: false)!
        components.path = "/readyz"
        components.query = nil
        guard let response = try? await http.execute(HTTPClientRequest(url: components.string!), timeout: .seconds(5)),
            response.status == .serviceUnavailable,
            let bytes = try? await response.body.collect(upTo: 1 << 16),
            let answer = try? JSONDecoder().decode(ReadinessBody.self, from: Data(bytes.readableBytesView))
        else { return false }
        return answer.reasons.contains("draining")
    }

    private struct ReadinessBody: Decodable {
        var reasons: [String]
    }

    public func feed(before: Int64? = nil, limit: Int = 20) async throws -> FeedPage {
        try await send(.GET, "/api/feed", query: ["limit": "\(limit)", "before": before.map(String.init)])
    }

    // Writes take an `idempotencyKey` (docs/protocol.md): sent again with the same key, a
    // write that already happened answers as it did the first time and happens once.

    /// The post with every like and comment the caller may see (a feed shows the latest three).
    public func post(_ id: Int64) async throws -> Post {
        try await send(.GET, "/api/posts/\(id)")
    }

    /// With `media`, pictures uploaded first (`uploadMedia`); the text may then be empty.
    public func createPost(
        text: String, audience: Audience? = nil, mentions: [String]? = nil, media: [MediaAttachment]? = nil,
        idempotencyKey: String? = nil
    ) async throws -> Post {
        try await send(
            .POST, "/api/posts", body: NewPostBody(text: text, audience: audience, mentions: mentions, media: media),
            idempotencyKey: idempotencyKey)
    }

    /// Uploads a JPEG, PNG or WebP file for a post to come (`createPost(media:)`).
    public func uploadMedia(_ bytes: [UInt8], idempotencyKey: String? = nil) async throws -> MediaUploaded {
        try await send(
            .POST, "/api/media", body: NoBody?.none, raw: bytes, idempotencyKey: idempotencyKey,
            deadline: .seconds(60))
    }

    /// A picture's bytes from the address a post gives (`thumb_url`, `large_url`: signed for
    /// this caller, relative to the server), or from `/api/media/{id}/{size}` (the token's).
    public func picture(_ address: String, limit: Int = 8 << 20) async throws -> [UInt8] {
        guard let url = URL(string: address, relativeTo: server)?.absoluteURL else {
            throw ClientError.malformedResponse("not a picture address: \(address)")
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            var request = HTTPClientRequest(url: url.absoluteString)
            // The token goes to this server only, never to another host an address might name.
            if url.host == server.host, url.port == server.port {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            response = try await http.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: limit)
        } catch {
            throw ClientError.transport(String(describing: error))
        }
        guard response.status == .ok else {
            throw ClientError.api(
                status: Int(response.status.code), code: "http_\(response.status.code)",
                message: response.status.reasonPhrase)
        }
        return Array(buffer: bytes)
    }

    /// The caller's own post, with its likes and comments; done already is done.
    public func deletePost(_ id: Int64, idempotencyKey: String? = nil) async throws {
        let _: NoContent = try await send(.DELETE, "/api/posts/\(id)", idempotencyKey: idempotencyKey)
    }

    /// The caller's comment, or any comment on the caller's post; done already is done.
    public func deleteComment(postId: Int64, commentId: Int64, idempotencyKey: String? = nil) async throws {
        let _: NoContent = try await send(
            .DELETE, "/api/posts/\(postId)/comments/\(commentId)", idempotencyKey: idempotencyKey)
    }

    public func setAudience(postId: Int64, _ audience: Audience, idempotencyKey: String? = nil) async throws -> Post {
        try await send(.PUT, "/api/posts/\(postId)/audience", body: audience, idempotencyKey: idempotencyKey)
    }

    public func like(postId: Int64, idempotencyKey: String? = nil) async throws -> Post {
        try await send(.POST, "/api/posts/\(postId)/likes", idempotencyKey: idempotencyKey)
    }

    public func unlike(postId: Int64, idempotencyKey: String? = nil) async throws -> Post {
        try await send(.DELETE, "/api/posts/\(postId)/likes", idempotencyKey: idempotencyKey)
    }

    /// A reply when `replyTo` names a comment of the post.
    public func comment(postId: Int64, text: String, replyTo: Int64? = nil, idempotencyKey: String? = nil)
        async throws -> Comment
    {
        try await send(
            .POST, "/api/posts/\(postId)/comments", body: TextBody(text: text, replyTo: replyTo),
            idempotencyKey: idempotencyKey)
    }

    public func notifications(before: Int64? = nil, limit: Int = 50) async throws -> NotificationPage {
        try await send(.GET, "/api/notifications", query: ["limit": "\(limit)", "before": before.map(String.init)])
    }

    /// The notifications as people read them: a post's likes in one group.
    public func notificationGroups(before: Int64? = nil, limit: Int = 50) async throws -> GroupedNotificationPage {
        try await send(
            .GET, "/api/notifications",
            query: ["grouped": "true", "limit": "\(limit)", "before": before.map(String.init)])
    }

    public func markRead(upTo: Int64, idempotencyKey: String? = nil) async throws -> UnreadCount {
        try await send(.POST, "/api/notifications/read", body: MarkReadBody(upTo: upTo), idempotencyKey: idempotencyKey)
    }

    public func friends() async throws -> [UserSummary] {
        let list: FriendList = try await send(.GET, "/api/friends")
        return list.friends
    }

    public func friendRequests() async throws -> FriendRequests {
        try await send(.GET, "/api/friends/requests")
    }

    public func requestFriend(_ user: String, note: String? = nil, idempotencyKey: String? = nil) async throws
        -> FriendRequestOutcome
    {
        try await send(
            .POST, "/api/friends/requests", body: FriendRequestBody(to: user, note: note),
            idempotencyKey: idempotencyKey)
    }

    /// Accepts or declines a request to the caller; answers whether the two are friends now.
    public func answerFriendRequest(_ id: Int64, accept: Bool, idempotencyKey: String? = nil) async throws -> Bool {
        let answer: FriendsAnswer = try await send(
            .POST, "/api/friends/requests/\(id)/\(accept ? "accept" : "decline")", idempotencyKey: idempotencyKey)
        return answer.friends
    }

    public func unfriend(_ user: String, idempotencyKey: String? = nil) async throws {
        let _: FriendsAnswer = try await send(.DELETE, "/api/friends/\(user)", idempotencyKey: idempotencyKey)
    }

    /// One long-poll (or, with `timeout` 0, one poll) of the event stream; `epoch` is the
    /// history `cursor` is from, when known.
    public func poll(cursor: Int64?, epoch: String? = nil, timeout: Int = 25) async throws -> PollResult {
        try await send(
            .GET, "/api/poll",
            query: ["cursor": cursor.map(String.init), "epoch": epoch, "timeout": "\(timeout)"],
            deadline: .seconds(Int64(timeout) + 15))
    }

    /// URL of the WebSocket endpoint (`ws`/`wss` matching `http`/`https`).
    public func webSocketURL(cursor: Int64?, epoch: String? = nil) -> String {
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)!
        components.scheme = components.scheme == "https" ? "wss" : "ws"
        components.path = "/api/ws"
        let items = [
            cursor.map { URLQueryItem(name: "cursor", value: String($0)) },
            epoch.map { URLQueryItem(name: "epoch", value: $0) },
        ].compactMap { $0 }
        components.queryItems = items.isEmpty ? nil : items
        return components.string!
    }

    private struct NoBody: Encodable {}

    /// A 204's answer.
    private struct NoContent: Decodable {}

    /// `raw`, when given, is sent as it is (an upload) instead of `body`'s JSON.
    private func send<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, query: [String: String?] = [:], body: (some Encodable)? = NoBody?.none,
        raw: [UInt8]? = nil, idempotencyKey: String? = nil, deadline: TimeAmount = .seconds(15)
    ) async throws -> Answer {
        let repeatable = method == .GET || idempotencyKey != nil
        var tried = 1
        while true {
            let server = rotation.current
            do {
                return try await send(
                    method, path, to: server, query: query, body: body, raw: raw, idempotencyKey: idempotencyKey,
                    deadline: deadline)
            } catch ClientError.transport(let detail) {
                // Unreachable: the next node, once each, if the request may safely happen twice.
                guard rotation.moveOn(from: server), repeatable, tried < rotation.servers.count else {
                    throw ClientError.transport(detail)
                }
                tried += 1
            }
        }
    }

    private func send<Answer: Decodable>(
        _ method: HTTPMethod, _ path: String, to server: URL, query: [String: String?], body: (some Encodable)?,
        raw: [UInt8]?, idempotencyKey: String?, deadline: TimeAmount
    ) async throws -> Answer {
        var components = URLComponents(url: server, resolvingAgainstBaseURL: false)!
        components.path = path
        let items = query.compactMap { key, value in value.map { URLQueryItem(name: key, value: $0) } }
        components.queryItems = items.isEmpty ? nil : items.sorted { $0.name < $1.name }
        var request = HTTPClientRequest(url: components.string!)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if let raw {
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
            request.body = .bytes(ByteBuffer(bytes: raw))
        } else if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try WireCoding.makeEncoder().encode(body)))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: deadline)
            bytes = try await response.body.collect(upTo: 16 << 20)
        } catch {
            if let reason = TLSFailure.reason(error) {
                throw ClientError.untrustedCertificate(host: server.host ?? "?", reason: reason)
            }
            throw ClientError.transport(String(describing: error))
        }
        let decoder = WireCoding.makeDecoder()
        if let seconds = response.headers.first(name: "Retry-After").flatMap(Int.init) {
            decoder.userInfo[PollResult.retryAfterKey] = seconds
        }
        if response.status == .noContent, let nothing = NoContent() as? Answer { return nothing }
        guard (200..<300).contains(response.status.code) else {
            let detail = try? decoder.decode(APIErrorBody.self, from: Data(bytes.readableBytesView)).error
            throw ClientError.api(
                status: Int(response.status.code), code: detail?.code ?? "http_\(response.status.code)",
                message: detail?.message ?? response.status.reasonPhrase)
        }
        do {
            return try decoder.decode(Answer.self, from: Data(bytes.readableBytesView))
        } catch {
            throw ClientError.malformedResponse("\(path): \(error)")
        }
    }
}
