import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import MomentsClient
import MomentsCore
import MomentsTUI

@main
struct MomentsTUICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moments-tui",
        abstract: "The Moments timeline in your terminal, with live likes and comments.",
        discussion: """
            Keys (config.toml's [keys] binds them anew):
            \(View.helpLines(.standard).map { "  " + $0.0.padding(toLength: 20, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n"))

            Settings are read from $XDG_CONFIG_HOME/moments/config.toml (~/.config/moments/config.toml):
            server, token_file, mouse, [keys], [theme], [notify]; --print-config shows them all.

            The header shows the connection (● websocket, ◐ long-polling, ○ reconnecting, ✕ token rejected,
            ✕ TLS: certificate not trusted) and a red ● N badge while N notifications are unread.
            """)

    @Option(help: "Login token (or MOMENTS_TOKEN). Get one with: moments-server token USER")
    var token: String?

    @Option(
        help: ArgumentHelp(
            "Read the token from this file (not readable by others), so it is not on the command line for ps to show.",
            valueName: "path"))
    var tokenFile: String?

    @Option(
        help: ArgumentHelp(
            "Server URL (or MOMENTS_SERVER); repeat it or separate by commas for the nodes of a cluster: when one cannot be reached, moments-tui moves to another.",
            valueName: "url"))
    var server: [String] = []

    @Option(help: "Push transport: auto (WebSocket, falling back to long-polling), websocket or longpoll.")
    var transport: TransportMode = .auto

    @Option(
        help: ArgumentHelp(
            "Seconds between moments-tui's pings on its WebSocket: a connection silent past the next one (a proxy or NAT that dropped it without a word) is replaced.",
            valueName: "seconds"))
    var pingInterval: Double = 15

    @Option(help: "Write diagnostics to this file (the screen belongs to the UI).")
    var log: String?

    @Option(
        help: ArgumentHelp(
            "Trust the CA certificate(s) in this PEM file for an https:// server, instead of the system's.",
            valueName: "file"))
    var caFile: String?

    @Flag(help: "Do not verify the server's certificate (local experiments only; the header warns).")
    var insecure = false

    @Flag(help: "No colours (also when NO_COLOR is set): unread, selection and errors in bold and reverse.")
    var noColor = false

    @Option(
        help: ArgumentHelp(
            "How a like or comment gets your attention while the terminal has no focus: auto (the terminal's desktop notification when it has one, else the bell), osc777, osc9, osc99, bell or none.",
            valueName: "method"))
    var notify: Notifier.Method?

    @Option(
        help: ArgumentHelp(
            "How pictures are drawn: auto (kitty's graphics where the terminal has them, else symbols), kitty, symbols (Unicode blocks in colour) or none ([photo 1/3: alt]).",
            valueName: "mode"))
    var images: ImagesMode?

    @Option(
        help: ArgumentHelp(
            "The configuration file (default $XDG_CONFIG_HOME/moments/config.toml).", valueName: "path"))
    var config: String?

    @Flag(help: "Print the configuration in force (file, options and defaults) as config.toml, and exit.")
    var printConfig = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = loadConfig(environment)
        if printConfig {
            print(settings.toml, terminator: "")
            return
        }
        do {
            try await start(settings, environment)
        } catch {
            Self.fail("\(error)")
        }
    }

    /// `Startup`'s decisions, then the UI until it ends.
    func start(_ settings: Config, _ environment: [String: String]) async throws {
        let token = try Startup.token(
            flag: token, flagFile: tokenFile, environment: environment, configFile: settings.tokenFile)
        let addresses = settings.servers
            .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let trust = ServerTrust(caFile: caFile, insecure: insecure)
        let urls = try Startup.servers(addresses, trust: trust)
        // Our own client (TLS trust, or failing fast for a cluster), shut down before it is
        // released at the end: AsyncHTTPClient traps on a client dropped unshut, and at a
        // terminal the crash report then waits for a key. With other nodes to try, a refused
        // connection must fail at once, not at its deadline.
        let ownClient = try trust.makeHTTPClient(failFast: urls.count > 1)
        let api = MomentsAPI(
            servers: urls, token: token, http: ownClient ?? .shared,
            tls: urls[0].scheme == "https" ? try trust.tlsConfiguration() : nil)
        var state = try await Startup.firstState(api: api, token: token) { user in
            StateFiles(environment: environment, server: urls[0], user: user)
        }
        state.insecureTLS = insecure
        let stateFiles = StateFiles(environment: environment, server: urls[0], user: state.me.id)
        let outbox = try Outbox(journal: stateFiles.outboxFile) { [api] in try await api.send($0) }
        state.lastVisit = stateFiles.lastVisit()
        state.keys = settings.keys
        state.attention = Attention(tells: settings.notify.types)
        var options = PushConnection.Options()
        options.mode = transport
        options.pingInterval = .milliseconds(Int64(max(0.2, pingInterval) * 1000))
        let colors = !noColor && (environment["NO_COLOR"] ?? "").isEmpty  // no-color.org: any value
        await Runtime(
            api: api, state: state, pushOptions: options, logger: makeLogger(), colors: colors,
            theme: settings.theme, mouse: settings.mouse, notify: settings.notify.method, stateFiles: stateFiles,
            outbox: outbox, images: settings.images
        )
        .run()
        try? await ownClient?.shutdown()
    }

    /// config.toml with the command line and the environment over it. A broken file ends the
    /// program here, before the terminal is touched: one line, exit 2.
    func loadConfig(_ environment: [String: String]) -> Config {
        var settings: Config
        do {
            settings = try Config.load(
                path: config ?? Config.defaultPath(environment: environment), required: config != nil)
        } catch {
            FileHandle.standardError.write(Data("moments-tui: \(error)\n".utf8))
            Foundation.exit(2)
        }
        if !server.isEmpty {
            settings.servers = server
        } else if let fromEnvironment = environment["MOMENTS_SERVER"] {
            settings.servers = [fromEnvironment]
        } else if settings.servers.isEmpty {
            settings.servers = ["http://127.0.0.1:8080"]
        }
        if let tokenFile { settings.tokenFile = tokenFile }
        if let notify { settings.notify.method = notify }
        if let images { settings.images = images }
        return settings
    }

    func makeLogger() -> Logger {
        guard let log, let handle = FileHandle(forWritingAtPath: log) ?? Self.create(log) else {
            return Logger(label: "moments-tui", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        handle.seekToEndOfFile()
        return Logger(label: "moments-tui") { label in FileLogHandler(label: label, handle: handle) }
    }

    static func create(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("moments-tui: \(message)\n".utf8))
        Foundation.exit(1)
    }
}

extension TransportMode: ExpressibleByArgument {}
extension Notifier.Method: ExpressibleByArgument {}
extension ImagesMode: ExpressibleByArgument {}
