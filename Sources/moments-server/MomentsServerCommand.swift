import ArgumentParser
import Foundation
import Logging
import MomentsServer
import MomentsStore

@main
struct MomentsServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moments-server",
        abstract: "The Moments push server: REST API plus WebSocket, long-polling and polling push.",
        subcommands: [Serve.self, Token.self, Friend.self, UserCommand.self, APIKey.self, Populate.self],
        defaultSubcommand: Serve.self)
}

struct DataOptions: ParsableArguments {
    @Option(help: "Folder holding the SQLite store and the token secret.")
    var dataDir = "moments-data"

    @Option(
        help: ArgumentHelp(
            "Use this PostgreSQL database (shared by several nodes) instead of the SQLite store (or MOMENTS_POSTGRES).",
            valueName: "postgres://user@host:port/db"))
    var postgres: String?

    var url: URL { URL(fileURLWithPath: dataDir) }

    /// Where the store is, for messages.
    var storeDescription: String {
        get throws { try postgresAddress.map(\.description) ?? dataDir }
    }

    var postgresAddress: PostgresAddress? {
        get throws {
            guard let url = postgres ?? ProcessInfo.processInfo.environment["MOMENTS_POSTGRES"], !url.isEmpty else {
                return nil
            }
            return try PostgresAddress(url)
        }
    }

    func openServer(_ tweak: (inout ServerConfiguration) -> Void = { _ in }) async throws -> MomentsServer {
        var configuration = ServerConfiguration()
        configuration.dataDir = url
        configuration.postgres = try postgresAddress
        tweak(&configuration)
        return try await MomentsServer(configuration: configuration)
    }

    /// Opens the store for a one-off command and closes it afterwards.
    func withServer<T>(_ body: (MomentsServer) async throws -> T) async throws -> T {
        let server = try await openServer()
        do {
            let result = try await body(server)
            await server.store.close()
            return result
        } catch {
            await server.store.close()
            throw error
        }
    }
}

/// Turns "30s", "15m", "12h", "7d" into a duration.
struct TTL: ExpressibleByArgument {
    let duration: Duration

    init?(argument: String) {
        guard let unit = argument.last, let value = Int64(argument.dropLast()), value > 0 else { return nil }
        switch unit {
        case "s": duration = .seconds(value)
        case "m": duration = .seconds(value * 60)
        case "h": duration = .seconds(value * 3600)
        case "d": duration = .seconds(value * 86400)
        default: return nil
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @OptionGroup var data: DataOptions
    @Flag(help: "Seed alice, bob, carol and dave (friends) into an empty store and print their tokens.")
    var demo = false
    @Option(help: "Seconds between WebSocket pings; a peer silent past the next ping is dropped.")
    var pingInterval = 20
    @Flag(help: "Refuse WebSocket upgrades, so clients fall back to long-polling.")
    var noWebsocket = false
    @Option(help: "Seconds of silence after which SSE and iframe streams get a heartbeat.")
    var heartbeat = 15
    @Option(help: "Seconds a request waits for a PostgreSQL connection before 503 store_unavailable.")
    var postgresWait = 10
    @Option(
        help: ArgumentHelp(
            "An origin besides this server's own and loopback pages that may open WebSockets, like https://moments.example.com (repeatable).",
            valueName: "origin"))
    var allowedOrigin: [String] = []
    @OptionGroup(title: "Limits (docs/operations.md)") var limits: LimitOptions
    @Option(help: ArgumentHelp("PEM certificate chain: serve HTTPS and WSS (or MOMENTS_TLS_CERT).", valueName: "file"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("PEM private key of --tls-cert (or MOMENTS_TLS_KEY).", valueName: "file"))
    var tlsKey: String?
    @Option(help: "Folder with the web page's files (default: assets/web of the source checkout, if present).")
    var webRoot: String?
    @Option(
        help: ArgumentHelp(
            "A reverse proxy (address or CIDR range) whose Forwarded / X-Forwarded-For and X-Forwarded-Proto are believed (repeatable; none by default).",
            valueName: "cidr"))
    var trustedProxy: [String] = []
    @Option(
        help: ArgumentHelp(
            "Where /metrics is served, HOST:PORT, a listener of its own (never the public port); none serves no metrics.",
            valueName: "address"))
    var metricsAddress = "127.0.0.1:9464"
    @Option(help: "Where the access log goes: stdout, stderr or off (one line per request and per push connection).")
    var accessLog: AccessLogDestination = .stdout
    @Option(help: "The access log's format: logfmt or json.") var logFormat: AccessLog.Format = .logfmt

    var metrics: ListenAddress? {
        get throws {
            if metricsAddress == "none" { return nil }
            guard let address = ListenAddress(metricsAddress) else {
                throw ValidationError("--metrics-address takes HOST:PORT or none, not \(metricsAddress)")
            }
            return address
        }
    }

    /// Both or neither of the certificate and key, from flags or the environment.
    var tls: TLSFiles? {
        get throws {
            let environment = ProcessInfo.processInfo.environment
            let certificate = tlsCert ?? environment["MOMENTS_TLS_CERT"]
            let key = tlsKey ?? environment["MOMENTS_TLS_KEY"]
            switch (certificate, key) {
            case (nil, nil): return nil
            case (let certificate?, let key?): return TLSFiles(certificate: certificate, privateKey: key)
            default: throw ValidationError("--tls-cert and --tls-key go together")
            }
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let tls = try self.tls
        let metrics = try self.metrics
        let server = try await data.openServer {
            $0.host = host
            $0.port = port
            $0.pingInterval = .seconds(max(1, pingInterval))
            $0.webSocketEnabled = !noWebsocket
            $0.streamHeartbeat = .seconds(max(1, heartbeat))
            $0.postgresWait = .seconds(max(1, postgresWait))
            $0.allowedOrigins = allowedOrigin
            $0.demoLogins = demo
            if let webRoot { $0.webRoot = URL(fileURLWithPath: webRoot) }
            $0.tls = tls
            $0.limits = limits.limits
            $0.trustedProxies = trustedProxy
            $0.metrics = metrics
            $0.accessLog = accessLog.log(format: logFormat)
        }
        if demo {
            if try await DemoSeed.seedIfEmpty(server.store) {
                print("Seeded demo users into \(try data.storeDescription).")
            }
            print("Demo tokens (valid 30 days):")
            for user in DemoSeed.users {
                print(
                    "  \(user.id.padding(toLength: 6, withPad: " ", startingAt: 0)) \(try await server.tokens.issue(user: user.id, ttl: .seconds(30 * 86400)))"
                )
            }
        }
        try await server.run(
            onListening: { port in
                print("moments-server listening on \(tls == nil ? "http" : "https")://\(host):\(port)")
                fflush(nil)  // nil: every stream; scripts wait for this line on a pipe
            },
            onMetricsListening: { port in
                print("metrics on http://\(metrics?.host ?? host):\(port)/metrics")
                fflush(nil)
            })
    }
}

struct LimitOptions: ParsableArguments {
    private static let defaults = Limits()

    @Option(help: "Largest request body in bytes (413 past it).") var maxBody = defaults.maxBodyBytes
    @Option(help: "Deepest JSON nesting accepted in a body (413 past it).") var maxJsonDepth = defaults.maxJSONDepth
    @Option(help: "Largest client WebSocket message in bytes (close 1009 past it).")
    var maxWsMessage = defaults.maxWebSocketMessage
    @Option(help: "Writes per second per user (429 past it; bursts of 3 s allowed).")
    var writeRate = defaults.writesPerSecondPerUser
    @Option(help: "Writes per second per client address.") var writeRateAddress = defaults.writesPerSecondPerAddress
    @Option(help: "New push connections per second per client address.")
    var connectRate = defaults.connectsPerSecondPerAddress
    @Option(help: "Client WebSocket messages per second (close 1008 past it).")
    var wsMessageRate = defaults.webSocketMessagesPerSecond
    @Option(help: "Open push connections per user (429 past it).") var maxConnectionsPerUser = defaults
        .connectionsPerUser
    @Option(help: "Open push connections in all (503 past it).") var maxConnections = defaults.connections
    @Option(help: "Seconds for a request's headers to arrive, and for an idle keep-alive connection.")
    var headerTimeout = 30.0

    var limits: Limits {
        var limits = Limits()
        limits.maxBodyBytes = max(1024, maxBody)
        limits.maxJSONDepth = max(2, maxJsonDepth)
        limits.maxWebSocketMessage = max(256, maxWsMessage)
        limits.writesPerSecondPerUser = max(0.1, writeRate)
        limits.writesPerSecondPerAddress = max(0.1, writeRateAddress)
        limits.connectsPerSecondPerAddress = max(0.1, connectRate)
        limits.webSocketMessagesPerSecond = max(0.1, wsMessageRate)
        limits.connectionsPerUser = max(1, maxConnectionsPerUser)
        limits.connections = max(1, maxConnections)
        limits.headerTimeout = .milliseconds(Int64(max(0.1, headerTimeout) * 1000))
        return limits
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue a login token (the default: `token USER`) or revoke a user's tokens.",
        subcommands: [Issue.self, Revoke.self], defaultSubcommand: Issue.self)

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a login token for USER (creating the user if missing); only the token goes to stdout.")

        @Argument(help: "User id.") var user: String
        @Option(help: "Lifetime, like 30m, 12h or 7d.") var ttl = TTL(argument: "7d")!
        @OptionGroup var data: DataOptions

        func run() async throws {
            try UserId.validate(user)
            let token = try await data.withServer { server in
                if try await server.store.user(id: user) == nil { try await server.store.saveUser(id: user, name: nil) }
                return try await server.tokens.issue(user: user, ttl: ttl.duration)
            }
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Refuse every token of USER issued until now, on every node within a second; their open connections close (4001)."
        )

        @Argument(help: "User id.") var user: String
        @OptionGroup var data: DataOptions

        func run() async throws {
            let before = try await data.withServer { try await $0.revokeTokens(of: user) }
            print("Tokens of \(user) issued before \(before.formatted(.iso8601)) are refused from now on.")
        }
    }
}

struct APIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "Print the X-API-Key backend services publish with (POST /api/publish).")

    @OptionGroup var data: DataOptions

    func run() async throws {
        print(try await data.withServer { $0.publisherKey })
    }
}

struct Friend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make two existing users friends (both ways).")

    @Argument(help: "A user id.") var a: String
    @Argument(help: "Another user id.") var b: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        guard a != b else { throw ValidationError("a user cannot befriend themselves") }
        try await data.withServer { try await $0.store.befriend(a, b) }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user, or rename an existing one.")

        @Argument(help: "User id: 1-32 of a-z, 0-9, _ and -.") var id: String
        @Option(help: "Display name.") var name: String?
        @OptionGroup var data: DataOptions

        func run() async throws {
            try UserId.validate(id)
            _ = try await data.withServer { try await $0.store.saveUser(id: id, name: name) }
        }
    }
}

enum UserId {
    static func validate(_ id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")
        guard (1...32).contains(id.count), id.allSatisfy(allowed.contains) else {
            throw ValidationError("user id must be 1-32 characters of a-z, 0-9, _ and -")
        }
    }
}

enum AccessLogDestination: String, ExpressibleByArgument, CaseIterable {
    case stdout, stderr, off

    func log(format: AccessLog.Format) -> AccessLog? {
        switch self {
        case .stdout: .to(.standardOutput, format: format)
        case .stderr: .to(.standardError, format: format)
        case .off: nil
        }
    }
}

extension AccessLog.Format: ExpressibleByArgument {}
