import ArgumentParser
import Foundation
import Logging
import MomentsServer
import MomentsStore

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
    @Flag(inversion: .prefixedNo, help: "With --demo: the demo's posts carry pictures (drawn at start).")
    var demoPictures = true
    @OptionGroup(title: "Limits (docs/operations.md)") var limits: LimitOptions
    @OptionGroup(title: "Pictures (docs/operations.md)") var media: MediaFlags
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
    @Option(
        help: ArgumentHelp(
            "On SIGTERM, the seconds over which open push connections are closed, spread, each told when to come back (0: all at once).",
            valueName: "seconds"))
    var drainSeconds = 10
    @Option(
        help: ArgumentHelp(
            "How long events (notifications and the stream clients resume) are kept: 45s, 30m, 12h, 90d; 0 keeps everything.",
            valueName: "duration"))
    var eventRetention: Retention = Retention(duration: .seconds(90 * 86400))
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
            $0.media = media.options
            $0.trustedProxies = trustedProxy
            $0.metrics = metrics
            $0.eventRetention = eventRetention.duration
            $0.drainWindow = .seconds(max(0, drainSeconds))
            $0.accessLog = accessLog.log(format: logFormat)
        }
        if demo {
            if try await server.seedDemo(pictures: demoPictures) {
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
