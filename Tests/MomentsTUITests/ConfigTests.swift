import Foundation
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("config.toml: keys, theme, notify, and errors that name the line")
struct ConfigTests {
    func read(_ text: String) throws(ConfigError) -> Config {
        try ConfigFile(text: text, file: "config.toml").read()
    }

    @Test("every section is read; what the file does not say keeps its default")
    func full() throws {
        let config = try read(
            """
            server = ["http://a:8080", "http://b:8080"]
            token_file = "~/.config/moments/token"
            mouse = true

            [keys]
            like = "f"
            down = ["j", "ctrl-n", "down"]
            quit = "alt-q"

            [theme]
            accent = "bright-blue"
            unread = 208
            error = "#ff5f5f"

            [notify]
            method = "osc9"
            likes = false
            """)
        #expect(config.servers == ["http://a:8080", "http://b:8080"])
        #expect(config.tokenFile == "~/.config/moments/token")
        #expect(config.mouse)
        #expect(config.keys.command(for: .character("f")) == .like)
        #expect(config.keys.command(for: .character("l")) == nil)
        #expect(config.keys.command(for: .control("n")) == .down)
        #expect(config.keys.command(for: .alt("q")) == .quit)
        #expect(config.keys.command(for: .interrupt) == .quit)  // Ctrl-C always leaves
        #expect(config.keys.command(for: .character("c")) == .comment)  // unchanged
        #expect(config.theme.color(.accent) == .indexed(12))
        #expect(config.theme.color(.unread) == .indexed(208))
        #expect(config.theme.color(.error) == .rgb(red: 255, green: 95, blue: 95))
        #expect(config.theme.color(.success) == Theme.standard.color(.success))
        #expect(config.notify.method == .osc9)
        #expect(config.notify.types == [.comment])
    }

    @Test("a key bound to a command is taken from the one that had it")
    func rebinding() throws {
        let config = try read("[keys]\nlike = \"c\"\n")
        #expect(config.keys.command(for: .character("c")) == .like)
        #expect(config.keys.keys(for: .comment).isEmpty)
        #expect(config.keys.describe(.comment) == "-")
    }

    @Test(
        "errors name the line and the problem",
        arguments: [
            ("server = \"http://a\"\n[keys\nlike = \"f\"\n", 2, "table header"),
            ("mouse = true\ncolour = 3\n", 2, "unknown setting colour"),
            ("[keys]\n\nlike = \"ctrl-shift-f\"\n", 3, "keys.like: expected"),
            ("[keys]\nlaik = \"f\"\n", 2, "unknown setting keys.laik (known: down, up"),
            ("[theme]\naccent = \"bluish\"\n", 2, "theme.accent: expected a colour"),
            ("[theme]\naccent = 300\n", 2, "theme.accent"),
            ("[theme]\naccent = \"#-fffff\"\n", 2, "theme.accent"),
            ("[notify]\nmethod = \"loud\"\n", 2, "notify.method: expected auto, osc777"),
            ("mouse = \"yes\"\n", 1, "mouse: expected true or false"),
            ("keys = 3\n", 1, "keys: expected a table"),
        ])
    func errors(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try read(text) }
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.problem.contains(problem) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix("config.toml:\(line): ") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("--print-config's text reads back as the same configuration")
    func printed() throws {
        var config = try read("[keys]\nlike = [\"f\", \"space\"]\nreply = \"alt-r\"\n[theme]\nlike = \"#00ff87\"\n")
        config.servers = ["http://127.0.0.1:8080"]
        config.tokenFile = "/tmp/token \"quoted\""
        let again = try read(config.toml)
        #expect(again == config)
        #expect(config.toml.contains("like = [\"f\", \"space\"]"))
    }

    @Test("no file: the defaults; a file asked for by name must exist")
    func missing() throws {
        let path = "/nonexistent/\(UUID().uuidString)/config.toml"
        #expect(try Config.load(path: path, required: false) == Config())
        #expect(throws: ConfigError.self) { try Config.load(path: path, required: true) }
        #expect(
            Config.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]) == "/x/moments/config.toml")
        #expect(Config.defaultPath(environment: ["HOME": "/h"]) == "/h/.config/moments/config.toml")
    }

    @Test(
        "key names read and write back",
        arguments: ["f", "G", "?", "ctrl-w", "alt-b", "enter", "esc", "space", "pgdn", "home"])
    func keyNames(spec: String) {
        let key = Key(spec: spec)
        #expect(key != nil)
        #expect(key?.spec == spec)
    }

    @Test("a colour the terminal lacks becomes the nearest one it has")
    func nearestColour() {
        #expect(Theme.Color.indexed(1).number(available: 8) == 1)
        #expect(Theme.Color.indexed(196).number(available: 256) == 196)
        #expect(Theme.Color.indexed(196).number(available: 16) == 9)  // bright red
        #expect(Theme.Color.rgb(red: 255, green: 135, blue: 0).number(available: 256) == 208)
        #expect(Theme.Color.rgb(red: 0, green: 0, blue: 205).number(available: 8) == 4)
        #expect(Theme.Color.rgb(red: 1, green: 2, blue: 3).number(available: 1 << 24) == 0x010203)
        #expect(Theme.Color.standard.number(available: 256) == -1)
    }
}
