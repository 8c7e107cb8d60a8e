import Foundation
import Hummingbird
import MomentsStore
import NIOCore
import NIOPosix

/// A picture's response: cached privately up to its address's expiry, validated by its digest
/// (`ETag`, 304), and served whole or as one byte range; bytes go out as the client reads them.
enum MediaResponse {
    /// Chunks a body in memory is written in: each waits for the connection to take the last.
    static let chunk = 64 * 1024

    static func headers(_ content: MediaContent, maxAge: Int64) -> HTTPFields {
        [
            .contentType: "image/jpeg", .eTag: "\"\(content.digest)\"", .acceptRanges: "bytes",
            .cacheControl: "private, max-age=\(maxAge)",
        ]
    }

    /// `If-None-Match` names this picture's tag (or any).
    static func matches(_ header: String?, _ content: MediaContent) -> Bool {
        guard let header else { return false }
        let tag = "\"\(content.digest)\""
        return header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/\(tag)"
        }
    }

    /// The one range asked for, nil for the whole picture (no header, or one this does not
    /// serve: several ranges, another unit); 416 for a range past the end.
    static func range(_ header: String?, length: Int) throws -> ClosedRange<Int>? {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard let dash = spec.firstIndex(of: "-") else { return nil }
        let first = spec[..<dash]
        let last = spec[spec.index(after: dash)...]
        let range: ClosedRange<Int>?
        if first.isEmpty {
            guard let suffix = Int(last), suffix > 0 else { return nil }
            range = length == 0 ? nil : max(0, length - suffix)...(length - 1)
        } else {
            guard let start = Int(first), start >= 0 else { return nil }
            let end = last.isEmpty ? length - 1 : min(Int(last) ?? -1, length - 1)
            guard last.isEmpty || Int(last) != nil, Int(last).map({ $0 >= start }) ?? true else { return nil }
            range = start < length ? start...end : nil
        }
        guard let range else {
            var error = APIError(.rangeNotSatisfiable, "range_not_satisfiable", "the range is past the picture's end")
            error.headers[.contentRange] = "bytes */\(length)"
            throw error
        }
        return range
    }

    static func body(_ bytes: [UInt8]) -> ResponseBody {
        ResponseBody { writer in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunk, bytes.count)
                try await writer.write(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            try await writer.finish(nil)
        }
    }

    /// A small file whole, read on NIO's blocking pool (never an event loop).
    static func read(_ path: String) async throws -> ByteBuffer {
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
            }
        } catch {
            throw APIError.notFound("no such picture")
        }
    }

    static func body(file path: String, range: ClosedRange<Int>?, files: FileIO, context: some RequestContext)
        async throws -> ResponseBody
    {
        do {
            if let range {
                return try await files.loadFile(path: path, range: range, context: context, chunkLength: chunk)
            }
            return try await files.loadFile(path: path, context: context, chunkLength: chunk)
        } catch {
            // Gone between the read and now: deleted meanwhile.
            throw APIError.notFound("no such picture")
        }
    }
}
