import Foundation
import Hummingbird
import MomentsCore

/// Strict reading of what clients send: anything malformed is a 400 naming the culprit.
extension Request {
    func integer(query name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let raw = uri.queryParameters.get(name) else { return nil }
        guard let value = Int64(raw), range.contains(value) else {
            throw APIError.badRequest("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// `?epoch=`: the history a resuming client's cursor is from (a hello's `epoch`).
    func epoch() throws -> String? {
        guard let raw = uri.queryParameters.get("epoch") else { return nil }
        guard (1...64).contains(raw.utf8.count), raw.utf8.allSatisfy({ $0 < 0x80 && isalnum(Int32($0)) != 0 }) else {
            throw APIError.badRequest("epoch must be 1 to 64 letters and digits, as a hello gave it")
        }
        return String(raw)
    }

    /// A `true`/`false` query parameter; absent is false.
    func flag(query name: String) throws -> Bool {
        switch uri.queryParameters.get(name) {
        case nil, "false": return false
        case "true": return true
        default: throw APIError.badRequest("\(name) must be true or false")
        }
    }

    /// The body as JSON of `type`, read up to the size limit (413 past it, never buffered
    /// further) and checked for nesting before it is scanned.
    func decodeBody<T: ScannedBody>(_ type: T.Type, limits: Limits) async throws -> T {
        try await decodeBodyKeepingBytes(type, limits: limits).value
    }

    /// `decodeBody`, and the bytes it came as (what an `Idempotency-Key` is checked against).
    func decodeBodyKeepingBytes<T: ScannedBody>(_ type: T.Type, limits: Limits) async throws
        -> (value: T, bytes: ByteBuffer)
    {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: limits.maxBodyBytes)
        } catch {
            throw APIError(.contentTooLarge, "payload_too_large", "request body over \(limits.maxBodyBytes) bytes")
        }
        if JSONDepth.exceeds(limits.maxJSONDepth, in: buffer.readableBytesView) {
            throw APIError(
                .contentTooLarge, "payload_too_large", "JSON nested deeper than \(limits.maxJSONDepth) levels")
        }
        do {
            let value = try buffer.withUnsafeReadableBytes { bytes in
                try JSONScanner.scan(bytes) { try T(scanning: &$0) }
            }
            return (value, buffer)
        } catch {
            throw APIError.badRequest("body is not valid JSON of the expected shape")
        }
    }
}

extension MomentsRequestContext {
    func postId() throws -> Int64 { try id("id", what: "post") }

    /// The path's `name` parameter, the id of a `what`.
    func id(_ name: String, what: String) throws -> Int64 {
        guard let raw = parameters.get(name), let id = Int64(raw), id > 0 else {
            throw APIError.badRequest("\(what) id must be a positive integer")
        }
        return id
    }
}

enum TextRules {
    static let maxCharacters = 2000

    /// Trimmed text, or 400: empty (unless `mayBeEmpty`: a post of pictures), too long, or
    /// holding control characters other than newline/tab.
    static func validate(_ text: String, mayBeEmpty: Bool = false) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty || mayBeEmpty else { throw APIError.badRequest("text must not be empty") }
        guard trimmed.count <= maxCharacters else {
            throw APIError.badRequest("text is longer than \(maxCharacters) characters")
        }
        let allowed: Set<Unicode.Scalar> = ["\n", "\t"]
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }
        ) {
            throw APIError.badRequest("text must not contain control characters")
        }
        return trimmed
    }
}

/// The pictures a new post names: nine at most, each an id as uploads get them, each alt text
/// short and without control characters. Whose they are is the store's to check.
enum MediaRules {
    static let maxAltCharacters = 500

    static func validate(_ media: [MediaAttachment]) throws -> [MediaAttachment] {
        func invalid(_ message: String) -> APIError { APIError(.badRequest, "invalid_media", message) }
        guard media.count <= MediaAttachment.perPost else {
            throw invalid("a post has at most \(MediaAttachment.perPost) pictures")
        }
        return try media.map { item in
            guard item.id.utf8.count == 32,
                item.id.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { throw invalid("no picture \(item.id.prefix(64)) of yours") }
            let alt = item.alt.trimmingCharacters(in: .whitespacesAndNewlines)
            guard alt.count <= maxAltCharacters else {
                throw invalid("alt text is longer than \(maxAltCharacters) characters")
            }
            guard !alt.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw invalid("alt text must not contain control characters")
            }
            return MediaAttachment(id: item.id, alt: alt)
        }
    }
}
