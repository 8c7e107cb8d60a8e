import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MomentsCore
import MomentsPush
import MomentsStore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// One Moments node: the store, the push hub, the token authority and the HTTP server on top.
public final class MomentsServer: Sendable {
    public let configuration: ServerConfiguration
    public let store: any MomentsStore
    public let hub: PushHub
    public let tokens: TokenAuthority
    /// What backend services send as `X-API-Key` to `POST /api/publish`.
    public let publisherKey: String
    private let logger: Logger
    private let webAssets: WebAssets?
    private let metrics = ServerMetrics()
    private let readiness: Readiness
    /// One per server: the connect-rate buckets must be shared by every push transport.
    private let admission: Admission
    private let tlsConfiguration: TLSConfiguration?
    private let storeServices: [any Service]
    private let revocations: Revocations
    /// The keep-alive of every WebSocket on this node.
    let pings = PingWheel()
    /// Long-pollers' subscriptions between two polls.
    let lingeringPolls = LingeringPolls()
    private let trustedProxies: TrustedProxies
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)
    let mediaProcessor: MediaProcessor
    private let mediaSigner: MediaSigner

    /// Opens (creating and migrating if needed) the data dir, store and signing secret.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "moments")) async throws {
        self.configuration = configuration
        self.logger = logger
        tlsConfiguration = try configuration.tls?.serverConfiguration()
        trustedProxies = try TrustedProxies(configuration.trustedProxies)
        hub = PushHub()
        admission = Admission(limits: configuration.limits, hub: hub)
        readiness = Readiness(crossNode: configuration.postgres != nil)
        let setup = try await StoreSetup.open(
            configuration, hub: hub, metrics: metrics, readiness: readiness, logger: logger)
        store = setup.store
        storeServices = setup.services
        tokens = await TokenAuthority(secret: setup.signingSecret)
        mediaSigner = MediaSigner(secret: setup.signingSecret)
        mediaProcessor = MediaProcessor(options: configuration.media, metrics: metrics)
        publisherKey = setup.publisherKey
        revocations = Revocations(store: store, hub: hub)
        revocations.apply(try await store.revocations(since: 0))
        do {
            webAssets = try configuration.webRoot.map(WebAssets.init(folder:))
        } catch {
            throw ConfigurationError("cannot read the web page's files: \(error.localizedDescription)")
        }
    }

    /// Pending connections the kernel queues (Linux caps it at net.core.somaxconn, 4096 here).
    static let acceptBacklog = 4096
    static let acceptsPerRead: UInt = 256

    /// Serves until `shutdown()` (or SIGINT/SIGTERM when configured); once every listener is
    /// bound, `onListening` gets the port, then `onMetricsListening` the metrics listener's.
    /// A listener that cannot be had is a `ConfigurationError` naming it, before any is opened.
    public func run(
        onListening: @escaping @Sendable (Int) async -> Void = { _ in },
        onMetricsListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        var listeners = [
            ListenerCheck.Listener(
                name: "requests", address: ListenAddress(host: configuration.host, port: configuration.port),
                portFlag: "--port", hostFlag: "--host")
        ]
        if let address = configuration.metrics {
            listeners.append(
                ListenerCheck.Listener(
                    name: "metrics", address: address, portFlag: "--metrics-address", hostFlag: "--metrics-address"))
        }
        do {
            try await ListenerCheck.verify(listeners)
        } catch {
            await store.close()
            throw error
        }
        let report = ListeningReport(configuration.metrics == nil ? [onListening] : [onListening, onMetricsListening])
        let headerTimeout = configuration.limits.headerTimeout
        let router = makeRouter().buildResponder()
        let pingTimer = pings.start(
            every: TimeAmount(configuration.pingInterval), on: MultiThreadedEventLoopGroup.singleton.next())
        defer { pingTimer.cancel() }
        let push = WebSocketPushHandler.Dependencies(
            store: store, hub: hub, metrics: metrics, limits: configuration.limits, stream: streamLimits, pings: pings,
            accessLog: configuration.accessLog)
        let largestBody = max(configuration.limits.maxBodyBytes, configuration.media.maxUploadBytes)
        var server = HTTPServerBuilder { responder in
            FirstRequestDeadlineChannel(
                base: PushUpgradeChannel(
                    responder: responder, router: router,
                    http1: .init(additionalChannelHandlers: [
                        NextRequestDeadline(timeout: headerTimeout), CloseAfterResponse(),
                        ExpectContinue(largestBody: largestBody),
                    ]),
                    push: push),
                timeout: headerTimeout)
        }
        if let tlsConfiguration { server = try .tls(server, tlsConfiguration: tlsConfiguration) }
        let app = Application(
            responder: router,
            server: server,
            // A reconnect storm arrives all at once: a long accept queue, and many accepts per
            // event-loop tick (NIO's default is 4), so clients are not left waiting on SYN retries.
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "moments",
                backlog: Self.acceptBacklog),
            onServerRunning: { channel in
                try? await channel.setOption(ChannelOptions.maxMessagesPerRead, value: Self.acceptsPerRead)
                await report.listening(0, port: channel.localAddress?.port ?? 0)
            },
            logger: logger)
        // Shut down in reverse order: the drain first, the HTTP server last.
        var services: [any Service] = [app, RevocationWatch(revocations: revocations)] + storeServices
        if let retention = configuration.eventRetention {
            services.append(EventRetention(store: store, retention: retention, metrics: metrics, logger: logger))
        }
        if let address = configuration.metrics {
            services.append(
                Application(
                    router: makeMetricsRouter(),
                    configuration: .init(address: .hostname(address.host, port: address.port), serverName: "moments"),
                    onServerRunning: { await report.listening(1, port: $0.localAddress?.port ?? 0) }, logger: logger))
        }
        services.append(
            MediaSweep(store: store, age: configuration.media.unattachedAge, metrics: metrics, logger: logger))
        services.append(PushDrainService(hub: hub, readiness: readiness, window: configuration.drainWindow))
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: configuration.handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        group.withLockedValue { $0 = serviceGroup }
        do {
            try await serviceGroup.run()
        } catch {
            await mediaProcessor.shutdown()
            await store.close()
            throw error
        }
        await mediaProcessor.shutdown()
        await store.close()
    }

    /// Refuses every token of `user` issued until now, on every node within about a second
    /// (their open connections close); answers the cut-off.
    public func revokeTokens(of user: String) async throws -> Date {
        StoreClock.date(try await revocations.revoke(user: user))
    }

    /// Starts a graceful shutdown: push connections are drained (`PushDrainService`: spread over
    /// the drain window, each told when to come back; 1001 at once without one), requests in
    /// flight finish.
    public func shutdown() async {
        await group.withLockedValue { $0 }?.triggerGracefulShutdown()
    }

    private var streamLimits: StreamLimits { StreamLimits(capacity: configuration.subscriptionCapacity) }

    private func eventStream(_ transport: ServerMetrics.Transport) -> EventStream {
        EventStream(
            store: store, hub: hub, limits: streamLimits, transport: transport, metrics: metrics,
            accessLog: configuration.accessLog)
    }

    private var auth: AuthMiddleware { AuthMiddleware(tokens: tokens, store: store, revocations: revocations) }

    /// The metrics listener's only route (Prometheus text format).
    private func makeMetricsRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let metrics = self.metrics
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        return router
    }

    private func makeRouter() -> Router<MomentsRequestContext> {
        let router = Router(context: MomentsRequestContext.self)
        router.add(
            middleware: ForwardedMiddleware(
                proxies: trustedProxies, scheme: configuration.tls == nil ? "http" : "https"))
        if let accessLog = configuration.accessLog { router.add(middleware: AccessLogMiddleware(log: accessLog)) }
        router.add(middleware: ErrorMiddleware(metrics: metrics, readiness: readiness))
        router.get("healthz") { _, _ in ["status": "ok"] }
        let readiness = self.readiness
        router.get("readyz") { _, _ in ReadinessAnswer(reasons: readiness.reasons) }
        let limits = configuration.limits
        let api = router.group("api").add(middleware: auth).add(
            middleware: WriteLimits(
                perUser: RateLimiter(perSecond: limits.writesPerSecondPerUser),
                perAddress: RateLimiter(perSecond: limits.writesPerSecondPerAddress)))
        let idempotency = IdempotencyGate(store: store, lifetime: configuration.idempotencyLifetime)
        APIRoutes(store: store, limits: limits, idempotency: idempotency, revocations: revocations, signer: mediaSigner)
            .register(on: api)
        MediaRoutes(
            store: store, processor: mediaProcessor, signer: mediaSigner, idempotency: idempotency,
            files: FileIO(threadPool: .singleton)
        ).register(api: api, on: router)
        FriendRoutes(store: store, limits: limits, idempotency: idempotency).register(on: api)
        PublishRoute(store: store, key: publisherKey, limits: limits, idempotency: idempotency).register(on: router)
        LongPollTransport(
            store: store, hub: hub, limits: streamLimits, admission: admission, metrics: metrics,
            lingering: lingeringPolls
        ).register(on: api)
        SSETransport(stream: eventStream(.sse), heartbeat: configuration.streamHeartbeat, admission: admission)
            .register(on: api)
        IframeTransport(stream: eventStream(.iframe), heartbeat: configuration.streamHeartbeat, admission: admission)
            .register(on: api)
        if let webAssets {
            WebRoutes(assets: webAssets, tokens: tokens, demo: configuration.demoLogins).register(on: router)
        }
        WebSocketRoute(
            enabled: configuration.webSocketEnabled, origins: OriginPolicy(allowed: configuration.allowedOrigins),
            admission: admission
        ).register(on: api)
        return router
    }
}
