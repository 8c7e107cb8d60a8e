import Foundation

/// A picture chosen for the post being written: the file, and its alt text.
public struct PictureDraft: Equatable, Sendable {
    public var path: String
    public var alt: String
}

/// Attaching a picture (Ctrl-O in a new post): its path first (Tab completes it; a pasted path
/// works too), then its alt text. The post's own text waits meanwhile.
public struct PictureAttach: Equatable, Sendable {
    public enum Stage: Equatable, Sendable {
        case path
        case alt(path: String)
    }

    public var stage: Stage = .path
    public var editor = LineEditor()

    /// What the path field says when the file will not do, or nil when it will.
    public static func problem(with path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            return "no such file: \(path)"
        }
        guard !isFolder.boolValue else { return "\(path) is a folder" }
        guard FileManager.default.isReadableFile(atPath: path) else { return "cannot read \(path)" }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= maxBytes else { return "\(path) is over 20 MB" }
        return nil
    }

    /// The server's default limit (docs/operations.md): checked here so the refusal comes now.
    static let maxBytes = 20 * 1024 * 1024

    /// `~/` read as the home folder, the way a shell would.
    public static func expand(_ path: String, home: String = NSHomeDirectory()) -> String {
        path.hasPrefix("~/") ? home + path.dropFirst(1) : path
    }

    /// The path completed as far as the names in its folder agree (Tab); a folder gets its `/`.
    public static func complete(_ typed: String, home: String = NSHomeDirectory()) -> String {
        let path = expand(typed, home: home)
        let folder = path.hasSuffix("/") ? path : (path as NSString).deletingLastPathComponent
        let start = path.hasSuffix("/") ? "" : (path as NSString).lastPathComponent
        let listed = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        let matches = listed.filter { $0.hasPrefix(start) && !($0.hasPrefix(".") && !start.hasPrefix(".")) }.sorted()
        guard var common = matches.first else { return typed }
        for match in matches.dropFirst() {
            while !match.hasPrefix(common) { common.removeLast() }
        }
        let base = folder.isEmpty ? "" : (folder.hasSuffix("/") ? folder : folder + "/")
        var completed = base + common
        var isFolder: ObjCBool = false
        if matches.count == 1, FileManager.default.fileExists(atPath: completed, isDirectory: &isFolder),
            isFolder.boolValue
        {
            completed += "/"
        }
        // Kept as the user typed it (`~/…`), when they did.
        if typed.hasPrefix("~/"), completed.hasPrefix(home) { return "~" + completed.dropFirst(home.count) }
        return completed
    }
}
