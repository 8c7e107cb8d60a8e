import Crypto
import Foundation
import MomentsImaging
import MomentsStore
import NIOConcurrencyHelpers
import NIOPosix

/// Turns an uploaded file into what is stored: the type told from the bytes, the header read
/// with that type's loader only, the pixel count checked before any pixel is decoded, then
/// decoded, turned upright and re-encoded in both sizes without metadata. The decoding runs
/// on a pool of its own threads (never an event loop), a bounded number at once.
final class MediaProcessor: Sendable {
    let options: MediaOptions
    private let metrics: ServerMetrics
    /// Started at the first upload, so a node that never gets one has no threads for it.
    private let threads = NIOLockedValueBox<NIOThreadPool?>(nil)
    /// Uploads decoding or waiting for a thread.
    private let admitted = NIOLockedValueBox(0)

    init(options: MediaOptions, metrics: ServerMetrics) {
        self.options = options
        self.metrics = metrics
    }

    private var pool: NIOThreadPool {
        threads.withLockedValue { threads in
            if let threads { return threads }
            let pool = NIOThreadPool(numberOfThreads: max(1, options.decodeThreads))
            pool.start()
            threads = pool
            return pool
        }
    }

    func shutdown() async {
        let pool = threads.withLockedValue { threads in
            defer { threads = nil }
            return threads
        }
        try? await pool?.shutdownGracefully()
    }

    /// The picture as it will be stored under `id`, or the `APIError` the upload gets.
    func process(_ bytes: [UInt8], id: String, owner: String) async throws -> NewMedia {
        guard let format = ImageFormat(sniffing: bytes) else { throw Self.unsupported }
        try admit()
        defer { admitted.withLockedValue { $0 -= 1 } }
        let header = try await pool.runIfActive { [options] in
            try Self.inspect(bytes, format: format, maxPixels: options.maxPixels)
        }
        metrics.decodedPixels(header.pixels)
        let (thumb, large) = try await pool.runIfActive { [options] in
            do {
                // The upload is decoded once; the thumbnail comes from the large size (already
                // upright, without metadata), which JPEG shrinks cheaply while decoding.
                let large = try Imaging.render(bytes, format: format, box: options.largeBox, quality: 85)
                return (try Imaging.render(large.bytes, format: .jpeg, box: options.thumbBox, quality: 80), large)
            } catch is ImagingError {
                throw Self.invalid
            }
        }
        let upright = header.upright
        return NewMedia(
            id: id, owner: owner, width: upright.width, height: upright.height, thumb: Self.file(thumb.bytes),
            large: Self.file(large.bytes))
    }

    /// The checks before any pixel is decoded: the header, read by `format`'s loader only, and
    /// the pixel count it claims. Throws the `APIError` the upload gets.
    static func inspect(_ bytes: [UInt8], format: ImageFormat, maxPixels: Int) throws -> ImageHeader {
        let header: ImageHeader
        do {
            header = try Imaging.header(of: bytes, format: format)
        } catch is ImagingError {
            throw invalid
        }
        guard header.width > 0, header.height > 0, header.pixels <= maxPixels else {
            throw APIError(
                .unprocessableContent, "image_too_large",
                "the picture is \(header.width) x \(header.height) pixels; at most \(maxPixels) are accepted")
        }
        return header
    }

    /// A new picture id: 128 random bits, so ids cannot be guessed or counted.
    static func newId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    private func admit() throws {
        let limit = max(1, options.decodeThreads) + options.decodeQueue
        let admitted = admitted.withLockedValue { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else {
            var error = APIError(.serviceUnavailable, "busy", "too many pictures are being processed: try again soon")
            error.headers[.retryAfter] = "2"
            throw error
        }
    }

    private static func file(_ bytes: [UInt8]) -> MediaFile {
        MediaFile(digest: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(), bytes: bytes)
    }

    static let unsupported = APIError(
        .unsupportedMediaType, "unsupported_media_type", "a picture must be a JPEG, PNG or WebP file")
    static let invalid = APIError(
        .unprocessableContent, "invalid_image", "the picture could not be read: it is truncated or corrupt")
}
