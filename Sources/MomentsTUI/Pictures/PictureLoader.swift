import Foundation
import Logging

/// Fetches pictures in the background and draws them in cells: the bytes from the disk cache
/// (`$XDG_CACHE_HOME/moments/pictures/`, 0600) or the server, a few at a time, so a slow
/// picture delays nothing but itself.
public actor PictureLoader {
    private let fetch: @Sendable (String) async throws -> [UInt8]
    private let folder: URL?
    private let logger: Logger
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    static let concurrent = 4
    /// Files kept on disk; the oldest go past it.
    static let kept = 2000

    /// - Parameter folder: the disk cache; nil keeps nothing on disk.
    public init(folder: URL?, logger: Logger, fetch: @escaping @Sendable (String) async throws -> [UInt8]) {
        self.fetch = fetch
        self.folder = folder
        self.logger = logger
        if let folder { Self.prune(folder) }
    }

    /// The disk cache under `XDG_CACHE_HOME` (or `~/.cache`).
    public static func cacheFolder(environment: [String: String]) -> URL? {
        let base =
            environment["XDG_CACHE_HOME"].map { URL(fileURLWithPath: $0) }
            ?? environment["HOME"].map { URL(fileURLWithPath: $0).appendingPathComponent(".cache") }
        return base?.appendingPathComponent("moments").appendingPathComponent("pictures")
    }

    public func load(_ key: PictureKey, from address: String) async -> PictureSlot {
        await turn()
        defer { done() }
        do {
            let bytes = try await bytes(key, address)
            if key.kitty {
                return .pixels(try KittyImage.decode(bytes, columns: key.columns, rows: key.rows, crop: key.crop))
            }
            let picture = try SymbolRenderer.render(
                bytes, columns: key.columns, rows: key.rows, crop: key.crop, depth: key.depth)
            return .ready(picture)
        } catch {
            logger.info("a picture could not be shown", metadata: ["media": "\(key.mediaId)", "error": "\(error)"])
            // What was kept of it goes: the next run fetches it again.
            if let file = file(key) { try? FileManager.default.removeItem(at: file) }
            return .failed
        }
    }

    private func bytes(_ key: PictureKey, _ address: String) async throws -> [UInt8] {
        let file = file(key)
        if let file, let kept = try? Data(contentsOf: file) { return Array(kept) }
        let bytes = try await fetch(address)
        if let file, let folder {
            try? FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            // Whole or not at all: written beside it, then renamed.
            let partial = folder.appendingPathComponent(".\(UUID().uuidString)")
            if FileManager.default.createFile(
                atPath: partial.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]),
                rename(partial.path, file.path) != 0
            {
                try? FileManager.default.removeItem(at: partial)
            }
        }
        return bytes
    }

    /// Ids are never reused and a picture never changes: the file is the picture.
    private func file(_ key: PictureKey) -> URL? {
        folder?.appendingPathComponent("\(key.mediaId)-\(key.size.rawValue).jpg")
    }

    private func turn() async {
        if running < Self.concurrent {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func done() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Keeps the newest `kept` files.
    private static func prune(_ folder: URL) {
        let files = FileManager.default
        guard
            let names = try? files.contentsOfDirectory(
                at: folder, includingPropertiesForKeys: [.contentModificationDateKey]), names.count > kept
        else { return }
        let dated = names.map { url in
            (
                url,
                (try? url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate)
                    ?? .distantPast
            )
        }
        for (url, _) in dated.sorted(by: { $0.1 < $1.1 }).prefix(names.count - kept) { try? files.removeItem(at: url) }
    }
}
