import Foundation
import TOMLKit

/// Reads config.toml (TOMLKit parses it) into a `Config`, refusing what it does not know: a
/// misspelt key or a colour that is no colour should stop the program, not be ignored.
struct ConfigFile {
    let text: String
    let file: String

    func read() throws(ConfigError) -> Config {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, problem: error.description)
        } catch {
            throw ConfigError(file: file, line: nil, problem: "\(error)")
        }
        var config = Config()
        for key in table.keys {
            let value = table[key]!
            switch key {
            case "server":
                if let one = value.string {
                    config.servers = [one]
                } else if let many = value.array, let servers = Self.strings(many) {
                    config.servers = servers
                } else {
                    throw problem(key, "a URL or a list of URLs")
                }
            case "token_file":
                guard let path = value.string else { throw problem(key, "a path") }
                config.tokenFile = path
            case "mouse":
                guard let on = value.bool else { throw problem(key, "true or false") }
                config.mouse = on
            case "keys": try readKeys(value, into: &config.keys)
            case "theme": try readTheme(value, into: &config.theme)
            case "notify": try readNotify(value, into: &config.notify)
            case "images": try readImages(value, into: &config.images)
            default: throw unknown(key, in: nil, "server, token_file, mouse, [keys], [theme], [notify] or [images]")
            }
        }
        return config
    }

    private func readKeys(_ value: any TOMLValueConvertible, into keys: inout KeyBindings) throws(ConfigError) {
        guard let table = value.table else { throw problem("keys", "a table of command = key(s)") }
        for name in table.keys {
            // `decline` was its name before `d` also deleted.
            guard let command = Command(rawValue: name == "decline" ? "delete" : name) else {
                throw unknown(name, in: "keys", Command.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let value = table[name]!
            guard let specs = value.string.map({ [$0] }) ?? value.array.flatMap(Self.strings) else {
                throw problem(name, in: "keys", "a key or a list of keys, like \"f\" or [\"j\", \"down\"]")
            }
            var bound: [Key] = []
            for spec in specs {
                guard let key = Key(spec: spec) else {
                    throw problem(
                        name, in: "keys",
                        "\"\(spec)\" is not a key (a character, ctrl-x, alt-x, or one of "
                            + Key.named.map(\.0).joined(separator: ", ") + ")")
                }
                bound.append(key)
            }
            keys.bind(command, to: bound)
        }
    }

    private func readTheme(_ value: any TOMLValueConvertible, into theme: inout Theme) throws(ConfigError) {
        guard let table = value.table else { throw problem("theme", "a table of role = colour") }
        let roles = Style.Role.allCases.filter { $0 != .normal }
        for name in table.keys {
            guard let role = roles.first(where: { $0.rawValue == name }) else {
                throw unknown(name, in: "theme", roles.map(\.rawValue).joined(separator: ", "))
            }
            let value = table[name]!
            guard
                let color = value.string.flatMap(Theme.Color.init(spec:))
                    ?? value.int.flatMap({ Theme.Color(spec: "\($0)") })
            else {
                throw problem(name, in: "theme", "a colour: a name (\"red\", \"bright-blue\"), 0–255 or \"#rrggbb\"")
            }
            theme.set(role, color)
        }
    }

    private func readImages(_ value: any TOMLValueConvertible, into mode: inout ImagesMode) throws(ConfigError) {
        guard let table = value.table else { throw problem("images", "a table") }
        for name in table.keys {
            guard name == "mode" else { throw unknown(name, in: "images", "mode") }
            guard let chosen = table[name]!.string.flatMap(ImagesMode.init(rawValue:)) else {
                throw problem(name, in: "images", ImagesMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            mode = chosen
        }
    }

    private func readNotify(_ value: any TOMLValueConvertible, into notify: inout Config.Notify) throws(ConfigError) {
        guard let table = value.table else { throw problem("notify", "a table") }
        for name in table.keys {
            let value = table[name]!
            switch name {
            case "method":
                guard let method = value.string.flatMap(Notifier.Method.init(rawValue:)) else {
                    throw problem(name, in: "notify", Notifier.Method.allCases.map(\.rawValue).joined(separator: ", "))
                }
                notify.method = method
            case "likes", "comments":
                guard let on = value.bool else { throw problem(name, in: "notify", "true or false") }
                if name == "likes" { notify.likes = on } else { notify.comments = on }
            default: throw unknown(name, in: "notify", "method, likes, comments")
            }
        }
    }

    private static func strings(_ array: TOMLArray) -> [String]? {
        let strings = array.compactMap(\.string)
        return strings.count == array.count ? strings : nil
    }

    private func problem(_ key: String, in section: String? = nil, _ expected: String) -> ConfigError {
        ConfigError(
            file: file, line: line(of: key, in: section), problem: "\(qualified(key, section)): expected \(expected)")
    }

    private func unknown(_ key: String, in section: String?, _ known: String) -> ConfigError {
        ConfigError(
            file: file, line: line(of: key, in: section),
            problem: "unknown setting \(qualified(key, section)) (known: \(known))")
    }

    private func qualified(_ key: String, _ section: String?) -> String { section.map { "\($0).\(key)" } ?? key }

    /// The line that sets `key` in `[section]` (or the table header, for a table that is not
    /// one): TOMLKit does not say where a value came from, and a person needs the line.
    func line(of key: String, in section: String?) -> Int? {
        var current: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                if current == key, section == nil { return index + 1 }
                continue
            }
            guard current == section, let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            if name == key { return index + 1 }
        }
        return nil
    }
}
