import Foundation
import Hummingbird
import MomentsCore
import MomentsStore
import NIOPosix

/// Pictures: `POST /api/media` uploads one; `GET /media/{id}/{size}` serves it to the viewer a
/// post's signed address names, and `GET /api/media/{id}/{size}` to the token's user. Either
/// way the viewer must be able to see the picture now (`Visibility.mediaSQL`).
struct MediaRoutes {
    let store: any MomentsStore
    let processor: MediaProcessor
    let signer: MediaSigner
    let idempotency: IdempotencyGate
    let files: FileIO
    let smallFiles = MediaBytesCache()

    func register(api: RouterGroup<MomentsRequestContext>, on router: Router<MomentsRequestContext>) {
        let options = processor.options
        api.post("media") { request, context in
            let user = try context.requireUser().id
            // Refused from the headers: the body is never read.
            if let declared = request.headers[.contentLength].flatMap(Int.init), declared > options.maxUploadBytes {
                throw Self.tooLarge(options)
            }
            if let type = request.headers[.contentType], !Self.acceptedTypes.contains(Self.mediaType(type)) {
                throw Self.unread(MediaProcessor.unsupported)
            }
            let hourAgo = Date().addingTimeInterval(-3600)
            guard try await store.uploads(by: user, since: hourAgo) < options.uploadsPerHour else {
                var error = APIError(
                    .tooManyRequests, "too_many_uploads", "at most \(options.uploadsPerHour) pictures an hour")
                error.headers[.retryAfter] = "600"
                throw Self.unread(error)
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: options.maxUploadBytes)
            } catch {
                throw Self.tooLarge(options)
            }
            let bytes = Array(buffer: body)
            return try await idempotency.respond(
                to: request, scope: "user:\(user)", body: body, status: .created,
                encode: { (uploaded: MediaUploaded, out: inout ByteBuffer) in
                    out.writeStaticString(#"{"height":"#)
                    out.writeString(String(uploaded.height))
                    out.writeStaticString(#","id":"#)
                    out.writeJSONString(uploaded.id)
                    out.writeStaticString(#","width":"#)
                    out.writeString(String(uploaded.width))
                    out.writeStaticString("}")
                }
            ) { idempotent in
                let media = try await processor.process(bytes, id: MediaProcessor.newId(), owner: user)
                return try await store.saveMedia(media, idempotent: idempotent)
            }
        }
        api.get("media/:id/:size") { request, context in
            let (id, size) = try Self.picture(context)
            return try await serve(id, size, viewer: try context.requireUser().id, maxAge: 3600, request, context)
        }
        router.get("media/:id/:size") { request, context in
            let (id, size) = try Self.picture(context)
            let query = request.uri.queryParameters
            let now = Date()
            guard let viewer = query.get("u"), let expires = query.get("e").flatMap(Int64.init),
                let signature = query.get("s"),
                signer.verify(id: id, size: size, viewer: viewer, expires: expires, given: signature, at: now)
            else {
                throw APIError(.forbidden, "forbidden", "this picture address is altered or has expired")
            }
            return try await serve(
                id, size, viewer: viewer, maxAge: max(0, expires - Int64(now.timeIntervalSince1970)), request, context)
        }
    }

    private func serve(
        _ id: String, _ size: MediaSize, viewer: String, maxAge: Int64, _ request: Request,
        _ context: MomentsRequestContext
    ) async throws -> Response {
        guard let content = try await store.mediaContent(id: id, size: size, viewer: viewer) else {
            throw APIError.notFound("no picture \(id)")
        }
        var headers = MediaResponse.headers(content, maxAge: maxAge)
        if MediaResponse.matches(request.headers[.ifNoneMatch], content) {
            return Response(status: .notModified, headers: headers)
        }
        let range = try MediaResponse.range(request.headers[.range], length: content.length)
        if let range {
            headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(content.length)"
        }
        headers[.contentLength] = String(range?.count ?? content.length)
        let body: ResponseBody
        switch content.source {
        case .bytes(let bytes):
            body = MediaResponse.body(range.map { Array(bytes[$0]) } ?? bytes)
        case .file(let path) where content.length <= MediaBytesCache.largestKept:
            // Small (a thumbnail): from memory when read before, the digest naming the bytes.
            var cached = smallFiles.bytes(content.digest)
            if cached == nil {
                let read = try await MediaResponse.read(path)
                // A file not as long as its row says (damaged on disk) is neither served nor kept.
                guard read.readableBytes == content.length else { throw APIError.notFound("no picture \(id)") }
                smallFiles.keep(content.digest, read)
                cached = read
            }
            let bytes = cached!
            body = ResponseBody(
                byteBuffer: range.flatMap { bytes.getSlice(at: $0.lowerBound, length: $0.count) } ?? bytes)
        case .file(let path):
            body = try await MediaResponse.body(file: path, range: range, files: files, context: context)
        }
        return Response(status: range == nil ? .ok : .partialContent, headers: headers, body: body)
    }

    private static func picture(_ context: MomentsRequestContext) throws -> (String, MediaSize) {
        guard let id = context.parameters.get("id"), let size = context.parameters.get("size").flatMap(MediaSize.init)
        else { throw APIError.notFound("no such picture") }
        return (id, size)
    }

    static let acceptedTypes: Set<String> = ["image/jpeg", "image/png", "image/webp", "application/octet-stream"]

    /// The type without its parameters, lowercased.
    private static func mediaType(_ header: String) -> String {
        header.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            ?? ""
    }

    private static func tooLarge(_ options: MediaOptions) -> APIError {
        unread(
            APIError(.contentTooLarge, "payload_too_large", "a picture may be at most \(options.maxUploadBytes) bytes"))
    }

    /// A refusal answered before the body is read: the body is not read at all, the connection
    /// ends with the answer (`CloseAfterResponse`), so an endless body costs nothing.
    private static func unread(_ error: APIError) -> APIError {
        var error = error
        error.headers[.connection] = "close"
        return error
    }
}
