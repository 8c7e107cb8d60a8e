import Foundation

/// The web page's files (assets/web), read once at start: serving them then needs no file
/// system access and no path handling, so no request can reach a file outside the folder.
struct WebAssets: Sendable {
    struct File: Sendable {
        let body: Data
        let contentType: String
    }

    let files: [String: File]

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8", "svg": "image/svg+xml", "png": "image/png",
        "ico": "image/x-icon", "json": "application/json",
    ]

    init(folder: URL) throws {
        var files: [String: File] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            guard let type = Self.contentTypes[(name as NSString).pathExtension.lowercased()] else { continue }
            files[name] = File(body: try Data(contentsOf: folder.appendingPathComponent(name)), contentType: type)
        }
        self.files = files
    }
}
