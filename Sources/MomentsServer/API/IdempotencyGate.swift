import Crypto
import Foundation
import Hummingbird
import MomentsStore
import NIOConcurrencyHelpers

/// `Idempotency-Key` (IETF httpapi draft) on the routes that change state: a client may send a
/// write again after a timeout or a crash and it happens once. The first answer is kept with
/// the write, in its transaction (the store's part); a repeat with the same key and request
/// gets that answer again and does nothing; the same key on another request is 422
/// `idempotency_key_reused`; a repeat while the first is still running is 409
/// `idempotency_key_in_flight`.
final class IdempotencyGate: Sendable {
    static let sweepEvery: Duration = .seconds(600)

    private let store: any MomentsStore
    private let lifetime: Duration
    /// Keys whose first request is running on this node (another node's shows as a taken key).
    private let running = NIOLockedValueBox(Set<IdempotencyKey>())
    private let lastSweep = NIOLockedValueBox(ContinuousClock.now)

    init(store: any MomentsStore, lifetime: Duration) {
        self.store = store
        self.lifetime = lifetime
    }

    /// Runs `write` (with the key, when the request has one) and answers `status` with the
    /// JSON `encode` writes of its result; or the kept answer of an earlier run.
    func respond<T: Sendable>(
        to request: Request, scope: String, body: ByteBuffer = ByteBuffer(), status: HTTPResponse.Status = .ok,
        encode: @escaping @Sendable (T, inout ByteBuffer) -> Void,
        _ write: (Idempotent<T>?) async throws -> T
    ) async throws -> Response {
        try await respond(to: request, scope: scope, body: body, status: { _ in status }, encode: encode, write)
    }

    /// The same, for a write whose status depends on what it did.
    func respond<T: Sendable>(
        to request: Request, scope: String, body: ByteBuffer = ByteBuffer(),
        status: @escaping @Sendable (T) -> HTTPResponse.Status,
        encode: @escaping @Sendable (T, inout ByteBuffer) -> Void,
        _ write: (Idempotent<T>?) async throws -> T
    ) async throws -> Response {
        guard let given = request.headers[.idempotencyKey] else {
            let result = try await write(nil)
            return Self.answer(status(result).code, Self.json(result, encode))
        }
        guard (1...255).contains(given.utf8.count), given.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw APIError(
                .badRequest, "invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        let key = IdempotencyKey(scope: scope, key: given)
        let fingerprint = Self.fingerprint(request, body)
        let since = StoreClock.now() - Int64(lifetime.components.seconds * 1000)
        sweepIfDue(since)
        if let replay = try await replay(key, fingerprint, since) { return replay }
        guard running.withLockedValue({ $0.insert(key).inserted }) else { throw Self.inFlight }
        defer { _ = running.withLockedValue { $0.remove(key) } }
        do {
            let result = try await write(
                Idempotent(key: key, fingerprint: fingerprint, expiredBefore: since) { result in
                    (status(result).code, Array(buffer: Self.json(result, encode)))
                })
            return Self.answer(status(result).code, Self.json(result, encode))
        } catch StoreError.keyTaken {
            // Another node committed the same key first.
            if let replay = try await replay(key, fingerprint, since) { return replay }
            throw Self.inFlight
        }
    }

    private static let inFlight = APIError(
        .conflict, "idempotency_key_in_flight", "a request with this Idempotency-Key is still being processed")

    private func replay(_ key: IdempotencyKey, _ fingerprint: String, _ since: Int64) async throws -> Response? {
        guard let stored = try await store.storedAnswer(for: key, since: since) else { return nil }
        guard stored.fingerprint == fingerprint || stored.isErased else {
            throw APIError(
                .unprocessableContent, "idempotency_key_reused",
                "this Idempotency-Key was used for a different request")
        }
        var response = Self.answer(stored.status, ByteBuffer(bytes: stored.body))
        response.headers[.idempotentReplayed] = "true"
        return response
    }

    /// Method, path and body: what makes two requests the same.
    private static func fingerprint(_ request: Request, _ body: ByteBuffer) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(request.method.rawValue) \(request.uri.path)\n".utf8))
        hash.update(data: Array(body.readableBytesView))
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func json<T>(_ result: T, _ encode: (T, inout ByteBuffer) -> Void) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(512)
        encode(result, &buffer)
        return buffer
    }

    private static func answer(_ status: Int, _ body: ByteBuffer) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: body))
    }

    /// Expired answers are ignored at once, and removed every `sweepEvery` while keys are used.
    private func sweepIfDue(_ cutoff: Int64) {
        let now = ContinuousClock.now
        let due = lastSweep.withLockedValue { last in
            guard now - last >= Self.sweepEvery else { return false }
            last = now
            return true
        }
        guard due else { return }
        let store = store
        Task { try? await store.forgetAnswers(before: cutoff) }
    }
}
