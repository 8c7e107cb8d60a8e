import Foundation
import Logging

/// Logs to a file: while ncurses owns the screen, anything on stderr would garble it.
public struct FileLogHandler: LogHandler, @unchecked Sendable {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .debug
    private let label: String
    private let handle: FileHandle

    public init(label: String, handle: FileHandle) {
        self.label = label
        self.handle = handle
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        handle.write(Data("\(Date()) \(event.level) \(label): \(event.message)\(details)\n".utf8))
    }
}
