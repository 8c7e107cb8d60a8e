import AsyncHTTPClient
import Foundation
import MomentsClient
import MomentsCore
import MomentsImaging
import NIOCore
import NIOHTTP1
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// Pictures through the real server (docs/protocol.md, "Pictures"): what an upload must be,
/// what is stored (re-encoded, upright, no metadata), and who is served it, by id and by its
/// signed address.
@Suite("Pictures: upload, storage and serving")
struct MediaTests {
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var bytes: [UInt8]
        var code: String? {
            try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: Data(bytes)).error.code
        }
        func decoded<T: Decodable>(_ type: T.Type) throws -> T {
            try WireCoding.makeDecoder().decode(type, from: Data(bytes))
        }
    }

    static func send(
        _ server: TestServer, _ method: HTTPMethod, _ path: String, token: String? = nil,
        headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: server.url.absoluteString + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(hangGuard))
        let bytes = try await response.body.collect(upTo: 32 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, bytes: Array(buffer: bytes))
    }

    static func upload(_ server: TestServer, _ user: String, _ bytes: [UInt8], type: String = "image/jpeg")
        async throws -> Answer
    {
        try await send(
            server, .POST, "/api/media", token: try await server.token(user), headers: [("Content-Type", type)],
            body: bytes)
    }

    static func pixelsDecoded(_ server: TestServer) async throws -> Int {
        let request = HTTPClientRequest(url: try await server.metricsURL().absoluteString)
        let response = try await HTTPClient.shared.execute(request, timeout: TimeAmount(hangGuard))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        let line = text.split(separator: "\n").first { $0.hasPrefix("moments_media_decoded_pixels_total ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }

    /// A post of alice's with one picture, as bob sees it.
    static func alicePostsPicture(_ server: TestServer, audience: Audience = .friends) async throws -> (
        post: Post, media: PostMedia
    ) {
        let uploaded = try await upload(server, "alice", try TestImages.halves(width: 64, height: 32))
        let id = try uploaded.decoded(MediaUploaded.self).id
        let post = try await server.api("alice").createPost(
            text: "lunch", audience: audience, media: [MediaAttachment(id: id, alt: "红 and 蓝")])
        return (post, post.media[0])
    }

    @Test("a JPEG with EXIF orientation 6 and GPS comes back upright, re-encoded, with no EXIF")
    func uprightWithoutMetadata() async throws {
        let server = try await TestServer.start()
        // Stored 40 x 20, red left and blue right; orientation 6 shows it turned a quarter
        // clockwise: 20 x 40, red on top.
        let original = TestImages.withEXIF(try TestImages.halves(width: 40, height: 20), orientation: 6)
        #expect(try Imaging.header(of: original, format: .jpeg).orientation == 6)
        let answer = try await Self.upload(server, "alice", original)
        #expect(answer.status == 201)
        let uploaded = try answer.decoded(MediaUploaded.self)
        #expect((uploaded.width, uploaded.height) == (20, 40))
        let post = try await server.api("alice").createPost(
            text: "", media: [MediaAttachment(id: uploaded.id, alt: "a flag")])
        #expect(post.text == "" && post.media.map(\.alt) == ["a flag"])
        for address in [post.media[0].thumbUrl!, post.media[0].largeUrl!] {
            let served = try await Self.send(server, .GET, address)
            #expect(served.status == 200 && served.headers.first(name: "Content-Type") == "image/jpeg")
            #expect(served.bytes != original)
            // No APP1 (EXIF or XMP) segment, no trace of the position.
            #expect(!Self.contains(served.bytes, Array("Exif".utf8)))
            #expect(!served.bytes.starts(with: [0xFF, 0xD8, 0xFF, 0xE1]))
            let header = try Imaging.header(of: served.bytes, format: .jpeg)
            #expect((header.width, header.height, header.orientation) == (20, 40, 1))
            let pixels = try Imaging.pixels(of: served.bytes, format: .jpeg, box: 100)
            let top = pixels.rgba(x: 10, y: 5)
            let bottom = pixels.rgba(x: 10, y: 35)
            #expect(top.0 > 200 && top.2 < 60, "top is not red: \(top)")
            #expect(bottom.2 > 200 && bottom.0 < 60, "bottom is not blue: \(bottom)")
        }
        try await server.stop()
    }

    @Test("PNG (with transparency) and WebP are taken; both sizes fit their squares")
    func formatsAndSizes() async throws {
        let server = try await TestServer.start { $0.media.thumbBox = 50 }
        for format in [ImageFormat.png, .webp] {
            let answer = try await Self.upload(
                server, "alice", try TestImages.halves(width: 120, height: 60, as: format), type: format.mediaType)
            #expect(
                answer.status == 201, "\(format): \(answer.status) \(String(decoding: answer.bytes, as: UTF8.self))")
            let id = try answer.decoded(MediaUploaded.self).id
            let token = try await server.token("alice")
            let thumb = try await Self.send(server, .GET, "/api/media/\(id)/thumb", token: token)
            let large = try await Self.send(server, .GET, "/api/media/\(id)/large", token: token)
            #expect(try Imaging.header(of: thumb.bytes, format: .jpeg).width == 50)
            #expect(try Imaging.header(of: large.bytes, format: .jpeg).width == 120)  // never enlarged
        }
        var pixels: [UInt8] = []
        for _ in 0..<(10 * 10) { pixels += [0, 255, 0, 0] }  // green, fully transparent
        let clear = try Imaging.encode(pixels: pixels, width: 10, height: 10, bands: 4, as: .png)
        #expect(try await Self.upload(server, "alice", clear, type: "image/png").status == 201)
        try await server.stop()
    }

    @Test("bad uploads: each gets its status and code, and nothing is stored")
    func badUploads() async throws {
        let server = try await TestServer.start { $0.media.maxUploadBytes = 200_000 }
        let before = try await Self.pixelsDecoded(server)
        let text = Array("just words, not a picture".utf8)
        #expect(try await Self.upload(server, "alice", text).code == "unsupported_media_type")
        // Refused from its headers: the body is not read, the connection ends with the answer.
        let typed = try await Self.upload(server, "alice", text, type: "text/plain")
        #expect(typed.status == 415 && typed.headers.first(name: "Connection") == "close")
        #expect(try await Self.upload(server, "alice", []).status == 415)
        // GIF, a real picture format this server does not take.
        #expect(
            try await Self.upload(server, "alice", Array("GIF89a".utf8) + Array(repeating: 0, count: 32)).status == 415)

        // The bomb: a 50,000 x 50,000 PNG in 67 bytes, refused from its header.
        let bomb = TestImages.pngClaiming(width: 50_000, height: 50_000)
        let refused = try await Self.upload(server, "alice", bomb, type: "image/png")
        #expect(refused.status == 422 && refused.code == "image_too_large")
        #expect(try await Self.pixelsDecoded(server) == before, "pixels were decoded for the bomb")

        // Truncated: a real JPEG cut in half.
        let whole = try TestImages.halves(width: 300, height: 200)
        let truncated = try await Self.upload(server, "alice", Array(whole.prefix(whole.count / 2)))
        #expect(truncated.status == 422 && truncated.code == "invalid_image")
        var corrupt = whole
        for i in stride(from: 700, to: corrupt.count - 2, by: 7) { corrupt[i] = 0xFF }
        #expect(try await Self.upload(server, "alice", corrupt).code == "invalid_image")

        // Over the size: told by Content-Length before the body is read.
        let big = Array(repeating: UInt8(0xAB), count: 300_000)
        let declared = try await Self.upload(server, "alice", [0xFF, 0xD8, 0xFF] + big)
        #expect(declared.status == 413 && declared.code == "payload_too_large")
        #expect(declared.headers.first(name: "Connection") == "close")

        // Nothing of it is stored: alice's uploads this hour are none.
        #expect(try await server.server.store.uploads(by: "alice", since: Date().addingTimeInterval(-3600)) == 0)
        try await server.stop()
    }

    @Test("a chunked upload over the limit is cut at the limit, answered 413 and the connection closed")
    func chunkedOverLimit() async throws {
        let server = try await TestServer.start { $0.media.maxUploadBytes = 100_000 }
        let connection = try RawConnection(port: server.port)
        let token = try await server.token("alice")
        connection.send(
            "POST /api/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: image/jpeg\r\nTransfer-Encoding: chunked\r\n\r\n")
        // A little over the limit, with no end: the server stops reading at the limit.
        let chunk = String(repeating: "A", count: 16_384)
        for _ in 0..<7 { connection.send(String(16_384, radix: 16) + "\r\n" + chunk + "\r\n") }
        let answer = try await connection.readToClose()
        #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(200))")
        #expect(answer.contains("payload_too_large"))
        #expect(try await server.server.store.uploads(by: "alice", since: Date().addingTimeInterval(-3600)) == 0)
        try await server.stop()
    }

    @Test("Expect: 100-continue is answered before the body is sent (curl waits a second for it otherwise)")
    func expectContinue() async throws {
        let server = try await TestServer.start()
        let picture = try TestImages.halves(width: 32, height: 32)
        let connection = try RawConnection(port: server.port)
        let token = try await server.token("alice")
        connection.send(
            "POST /api/media HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nContent-Type: image/jpeg\r\n"
                + "Content-Length: \(picture.count)\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await connection.read(untilText: "\r\n\r\n")
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "\(interim)")
        connection.send(bytes: picture)
        let answer = try await connection.read(untilText: "\"width\"")
        #expect(answer.hasPrefix("HTTP/1.1 201"), "\(answer)")
        try await server.stop()
    }

    @Test("attaching: nine at most, only one's own uploads, each once")
    func attachRules() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let picture = try TestImages.halves(width: 8, height: 8)
        var ids: [String] = []
        for _ in 0..<10 { ids.append(try await Self.upload(server, "alice", picture).decoded(MediaUploaded.self).id) }
        let bobs = try await Self.upload(server, "bob", picture).decoded(MediaUploaded.self).id
        func refusal(_ media: [String]) async -> String? {
            do {
                _ = try await alice.createPost(text: "x", media: media.map { MediaAttachment(id: $0) })
                return nil
            } catch ClientError.api(let status, let code, _) {
                return "\(status) \(code)"
            } catch {
                return "\(error)"
            }
        }
        #expect(await refusal(ids) == "400 invalid_media")
        #expect(await refusal([ids[0], bobs]) == "400 invalid_media")
        #expect(await refusal([ids[0], ids[0]]) == "400 invalid_media")
        #expect(await refusal(["not-an-id"]) == "400 invalid_media")
        let nine = try await alice.createPost(text: "", media: ids.prefix(9).map { MediaAttachment(id: $0) })
        #expect(nine.media.map(\.id) == Array(ids.prefix(9)))
        #expect(await refusal([ids[3]]) == "400 invalid_media")  // in a post already
        // An empty post without pictures is still refused.
        await #expect(throws: ClientError.api(status: 400, code: "bad_request", message: "text must not be empty")) {
            _ = try await alice.createPost(text: " ", media: [])
        }
        // The feed shows them in order, addressed for its reader.
        let feed = try await server.api("bob").feed()
        let seen = try #require(feed.posts.first { $0.id == nine.id })
        #expect(seen.media.map(\.id) == Array(ids.prefix(9)))
        #expect(seen.media.allSatisfy { $0.thumbUrl?.contains("u=bob&") == true })
        try await server.stop()
    }

    @Test("an upload under an Idempotency-Key happens once")
    func idempotentUpload() async throws {
        let server = try await TestServer.start()
        let bytes = try TestImages.halves(width: 16, height: 16)
        let token = try await server.token("alice")
        let headers = [("Content-Type", "image/jpeg"), ("Idempotency-Key", "upload-1")]
        let first = try await Self.send(server, .POST, "/api/media", token: token, headers: headers, body: bytes)
        let again = try await Self.send(server, .POST, "/api/media", token: token, headers: headers, body: bytes)
        #expect(first.status == 201 && again.status == 201)
        #expect(try first.decoded(MediaUploaded.self) == again.decoded(MediaUploaded.self))
        #expect(again.headers.first(name: "Idempotent-Replayed") == "true")
        #expect(try await server.server.store.uploads(by: "alice", since: Date().addingTimeInterval(-3600)) == 1)
        try await server.stop()
    }

    @Test("served only to who may see the post: outside the audience, or no longer a friend, by id and by address")
    func privacy() async throws {
        let server = try await TestServer.start()
        let (bob, carol) = (try await server.token("bob"), try await server.token("carol"))
        // Only carol may see this one.
        let (limited, limitedMedia) = try await Self.alicePostsPicture(server, audience: .only(["carol"]))
        #expect(try await Self.send(server, .GET, "/api/media/\(limitedMedia.id)/thumb", token: carol).status == 200)
        #expect(try await Self.send(server, .GET, "/api/media/\(limitedMedia.id)/thumb", token: bob).status == 404)
        // A real address, signed for bob, of a picture bob may not see (as one leaked from an
        // earlier audience would be): the signature holds, the rule does not.
        let signer = MediaSigner(secret: try Self.secret(server))
        let forBob = signer.path(
            id: limitedMedia.id, size: .large, viewer: "bob", expires: MediaSigner.expiry(at: Date()))
        #expect(try await Self.send(server, .GET, forBob).status == 404)
        #expect(try await server.api("carol").post(limited.id).media.count == 1)

        // Everyone's friend until the friendship ends: bob's own address stops working.
        let (_, media) = try await Self.alicePostsPicture(server)
        let bobsPost = try #require(try await server.api("bob").feed().posts.first { $0.media.first?.id == media.id })
        let address = try #require(bobsPost.media[0].largeUrl)
        #expect(try await Self.send(server, .GET, address).status == 200)
        try await server.api("alice").unfriend("bob")
        #expect(try await Self.send(server, .GET, address).status == 404)
        #expect(try await Self.send(server, .GET, "/api/media/\(media.id)/large", token: bob).status == 404)
        // An upload no post took is its owner's alone.
        let loose = try await Self.upload(server, "alice", try TestImages.halves(width: 8, height: 8))
        let looseId = try loose.decoded(MediaUploaded.self).id
        #expect(try await Self.send(server, .GET, "/api/media/\(looseId)/thumb", token: carol).status == 404)
        #expect(
            try await Self.send(server, .GET, "/api/media/\(looseId)/thumb", token: try await server.token("alice"))
                .status == 200)
        try await server.stop()
    }

    @Test("an altered or expired address is 403")
    func forgedAddresses() async throws {
        let server = try await TestServer.start()
        let (_, media) = try await Self.alicePostsPicture(server)
        let address = try #require(
            try await server.api("bob").feed().posts.first { $0.media.first?.id == media.id }?.media[0].thumbUrl)
        #expect(try await Self.send(server, .GET, address).status == 200)
        let altered = [
            address.replacingOccurrences(of: "u=bob", with: "u=carol"),  // someone else's
            address.replacingOccurrences(of: "/thumb?", with: "/large?"),
            address.replacingOccurrences(of: "e=", with: "e=9"),  // a later expiry
            Self.alterSignature(address, at: 5),
            Self.alterSignature(address, at: 42),  // the last character: no other spelling passes
            address.components(separatedBy: "&s=")[0],  // no signature
        ]
        for forged in altered {
            let answer = try await Self.send(server, .GET, forged)
            #expect(answer.status == 403 && answer.code == "forbidden", "\(forged): \(answer.status)")
        }
        // Correctly signed, but an hour past its expiry.
        let signer = MediaSigner(secret: try Self.secret(server))
        let expired = signer.path(
            id: media.id, size: .thumb, viewer: "bob", expires: Int64(Date().timeIntervalSince1970) - 3600)
        #expect(try await Self.send(server, .GET, expired).status == 403)
        try await server.stop()
    }

    @Test("ETag and 304, Cache-Control up to the expiry, byte ranges")
    func caching() async throws {
        let server = try await TestServer.start()
        let (_, media) = try await Self.alicePostsPicture(server)
        let address = try #require(media.largeUrl)
        let whole = try await Self.send(server, .GET, address)
        let tag = try #require(whole.headers.first(name: "ETag"))
        let cache = try #require(whole.headers.first(name: "Cache-Control"))
        #expect(cache.hasPrefix("private, max-age="))
        let maxAge = try #require(Int(cache.split(separator: "=").last ?? ""))
        #expect((3600...7200).contains(maxAge))
        #expect(whole.headers.first(name: "Accept-Ranges") == "bytes")

        let again = try await Self.send(server, .GET, address, headers: [("If-None-Match", tag)])
        #expect(again.status == 304 && again.bytes.isEmpty && again.headers.first(name: "ETag") == tag)
        #expect(try await Self.send(server, .GET, address, headers: [("If-None-Match", "\"other\"")]).status == 200)

        let first = try await Self.send(server, .GET, address, headers: [("Range", "bytes=0-9")])
        #expect(first.status == 206 && first.bytes == Array(whole.bytes.prefix(10)))
        #expect(first.headers.first(name: "Content-Range") == "bytes 0-9/\(whole.bytes.count)")
        let tail = try await Self.send(server, .GET, address, headers: [("Range", "bytes=-5")])
        #expect(tail.status == 206 && tail.bytes == Array(whole.bytes.suffix(5)))
        let rest = try await Self.send(server, .GET, address, headers: [("Range", "bytes=10-")])
        #expect(rest.bytes == Array(whole.bytes.dropFirst(10)))
        let past = try await Self.send(server, .GET, address, headers: [("Range", "bytes=\(whole.bytes.count)-")])
        #expect(past.status == 416 && past.headers.first(name: "Content-Range") == "bytes */\(whole.bytes.count)")
        try await server.stop()
    }

    @Test("a deleted post's pictures go with it; bytes two uploads share go with the last")
    func deletedWithPost() async throws {
        let server = try await TestServer.start()
        let alice = try await server.api("alice")
        let bytes = try TestImages.halves(width: 32, height: 32)
        let one = try await Self.upload(server, "alice", bytes).decoded(MediaUploaded.self)
        let two = try await Self.upload(server, "alice", bytes).decoded(MediaUploaded.self)
        #expect(one.id != two.id)
        let first = try await alice.createPost(text: "one", media: [MediaAttachment(id: one.id)])
        let second = try await alice.createPost(text: "two", media: [MediaAttachment(id: two.id)])
        let folder = server.dataDir.appendingPathComponent("moments-media")
        func files() throws -> [String] {
            try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jpg") }
        }
        // Same bytes in, same bytes out: one file per size, shared.
        #expect(try files().count == 2)
        let token = try await server.token("alice")
        try await alice.deletePost(first.id)
        #expect(try await Self.send(server, .GET, "/api/media/\(one.id)/thumb", token: token).status == 404)
        #expect(try await Self.send(server, .GET, "/api/media/\(two.id)/thumb", token: token).status == 200)
        #expect(try files().count == 2)
        try await alice.deletePost(second.id)
        #expect(try await Self.send(server, .GET, "/api/media/\(two.id)/thumb", token: token).status == 404)
        let left = try files()
        #expect(left.isEmpty, "files left: \(left)")
        let mode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        try await server.stop()
    }

    @Test("uploads no post took are removed after their age")
    func unattachedSwept() async throws {
        let server = try await TestServer.start { $0.media.unattachedAge = .seconds(2) }
        let token = try await server.token("alice")
        let loose = try await Self.upload(server, "alice", try TestImages.halves(width: 8, height: 8))
        let id = try loose.decoded(MediaUploaded.self).id
        #expect(try await Self.send(server, .GET, "/api/media/\(id)/thumb", token: token).status == 200)
        try await eventually("the unattached upload is swept") {
            try await Self.send(server, .GET, "/api/media/\(id)/thumb", token: token).status == 404
        }
        // Once swept, it cannot be attached.
        await #expect(throws: ClientError.self) {
            _ = try await server.api("alice").createPost(text: "late", media: [MediaAttachment(id: id)])
        }
        try await server.stop()
    }

    /// The address with one character of its signature changed.
    static func alterSignature(_ address: String, at offset: Int) -> String {
        let parts = address.components(separatedBy: "&s=")
        var signature = Array(parts[1])
        signature[offset] = signature[offset] == "A" ? "B" : "A"
        return parts[0] + "&s=" + String(signature)
    }

    static func secret(_ server: TestServer) throws -> [UInt8] {
        try SigningSecret.load(dataDir: server.dataDir, environment: [:])
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }
}
