import Foundation
import MomentsCore

/// moments-tui's settings from `$XDG_CONFIG_HOME/moments/config.toml`: the server, where the
/// token is, the keys, the colours, notifications, the mouse and pictures. Command-line options and the
/// environment win over the file; what neither says keeps the defaults here.
public struct Config: Equatable, Sendable {
    public struct Notify: Equatable, Sendable {
        public var method: Notifier.Method = .auto
        public var likes = true
        public var comments = true

        /// The event types that get the user's attention.
        public var types: Set<EventType> {
            Set([likes ? EventType.like : nil, comments ? EventType.comment : nil].compactMap { $0 })
        }
    }

    public var servers: [String] = []
    public var tokenFile: String?
    public var keys = KeyBindings.standard
    public var theme = Theme.standard
    public var notify = Notify()
    public var mouse = false
    /// How pictures are drawn (`[images] mode`).
    public var images = ImagesMode.auto

    public init() {}

    /// `$XDG_CONFIG_HOME/moments/config.toml`, or `~/.config/moments/config.toml`.
    public static func defaultPath(environment: [String: String]) -> String {
        let base =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/moments/config.toml"
    }

    /// The file at `path`; the defaults when there is none and none was asked for by name.
    public static func load(path: String, required: Bool) throws(ConfigError) -> Config {
        guard FileManager.default.fileExists(atPath: path) else {
            if required { throw ConfigError(file: path, line: nil, problem: "no such file") }
            return Config()
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(file: path, line: nil, problem: "cannot read it as UTF-8 text")
        }
        return try ConfigFile(text: text, file: path).read()
    }

    /// The whole configuration in force, as config.toml would say it (`--print-config`).
    public var toml: String {
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines: [String] = []
        lines.append("server = [\(servers.map(quoted).joined(separator: ", "))]")
        lines.append(tokenFile.map { "token_file = \(quoted($0))" } ?? "# token_file = \"~/.config/moments/token\"")
        lines.append("mouse = \(mouse)")
        lines.append("")
        lines.append("[keys]")
        for command in Command.allCases {
            let names = keys.keys(for: command).map { quoted($0.spec) }
            lines.append("\(command.rawValue) = [\(names.joined(separator: ", "))]")
        }
        lines.append("")
        lines.append("[theme]")
        for role in Style.Role.allCases where role != .normal {
            lines.append("\(role.rawValue) = \(quoted(theme.color(role).spec))")
        }
        lines.append("")
        lines.append("[notify]")
        lines.append("method = \(quoted(notify.method.rawValue))")
        lines.append("likes = \(notify.likes)")
        lines.append("comments = \(notify.comments)")
        lines.append("")
        lines.append("[images]")
        lines.append("mode = \(quoted(images.rawValue))")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// What is wrong with a config file, and where: `moments-tui: FILE:LINE: PROBLEM`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var problem: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)" }
}
