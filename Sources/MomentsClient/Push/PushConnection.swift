import Foundation
import Logging
import MomentsCore
import NIOConcurrencyHelpers
import NIOSSL
import WSClient

/// Keeps one user's event stream flowing: WebSocket first, long-polling when the upgrade is
/// refused (retrying the WebSocket now and then), reconnecting with backoff, resuming from the
/// last applied id so nothing is lost or repeated — on another node of the cluster when the
/// API names several and this one cannot be reached.
public final class PushConnection: Sendable {
    public struct Options: Sendable {
        public var mode: TransportMode = .auto
        public var reconnect = ReconnectPolicy()
        /// How long long-polling lasts before the WebSocket is tried again (`auto` only).
        public var webSocketRetry: Duration = .seconds(60)
        /// Upgrade plus hello must arrive within this: upgraded without a hello, the WebSocket
        /// counts as refused; with no answer at all, as failed (and is tried again).
        public var handshakeTimeout: Duration = .seconds(10)
        /// Client pings; a server silent past the next ping is treated as gone.
        public var pingInterval: Duration = .seconds(15)
        public var longPollTimeout = 25

        public init() {}
    }

    private let api: MomentsAPI
    private let options: Options
    private let cursor: NIOLockedValueBox<EventCursor>
    private let logger: Logger

    /// Resumes after `cursor`, of history `epoch` when the caller kept it (a saved session).
    public init(
        api: MomentsAPI, after cursor: Int64, epoch: String? = nil, options: Options = Options(), logger: Logger? = nil
    ) {
        self.api = api
        self.options = options
        self.cursor = NIOLockedValueBox(EventCursor(cursor, epoch: epoch))
        self.logger = logger ?? Logger(label: "moments.push", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// The id of the last event delivered.
    public var lastEventId: Int64 { cursor.withLockedValue { $0.lastId } }

    /// Runs the connection for as long as the stream is consumed.
    public func updates() -> AsyncStream<PushUpdate> {
        AsyncStream { continuation in
            let task = Task { await self.supervise(continuation) }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private enum Outcome {
        /// The server answered the upgrade with something other than 101 (or never answered).
        case upgradeRefused
        /// A session that had worked ended (drop, server restart, close frame).
        case ended
        /// Could not connect at all.
        case failed(String)
        /// Connected, but the upgrade got no answer at all.
        case unanswered
        case unauthorized
        /// The certificate failed verification: final, and no fallback over the same server.
        case untrusted(ClientError)
        /// The node is draining: back (to another) after the hint.
        case drained(Duration)

        var kind: PushPolicy.Outcome {
            switch self {
            case .upgradeRefused: .upgradeRefused
            case .ended: .ended
            case .failed: .failed
            case .unanswered: .unanswered
            case .unauthorized: .unauthorized
            case .untrusted: .untrusted
            case .drained(let retry): .drained(retry: retry)
            }
        }
    }

    /// Carries out `PushPolicy`'s decisions: runs the transport it names, tells it how that
    /// ended, asks `/api/me` when it wants the token checked, and waits as long as it says.
    private func supervise(_ output: AsyncStream<PushUpdate>.Continuation) async {
        defer { output.finish() }
        var policy = PushPolicy(mode: options.mode, webSocketRetry: options.webSocketRetry, now: .now)
        while !Task.isCancelled {
            let node = api.server
            let transport = policy.next(now: .now)
            let outcome: Outcome
            switch transport {
            case .longPoll(let until):
                if options.mode == .auto {
                    logger.info("long-polling: the WebSocket upgrade was refused", metadata: ["server": "\(node)"])
                }
                output.yield(.state(.longPolling))
                outcome = await longPoll(output, until: until)
            case .webSocket:
                output.yield(.state(.connecting))
                outcome = await webSocket(output)
            }
            if case .failed(let reason) = outcome {
                logger.warning("push connection failed", metadata: ["reason": "\(reason)", "server": "\(node)"])
            }
            var untrusted: ClientError?
            if case .untrusted(let error) = outcome { untrusted = error }
            var action = policy.after(outcome.kind, of: transport)
            if action == .checkToken {
                let (check, error) = await checkToken()
                untrusted = error
                action = policy.afterTokenCheck(check, now: .now)
            }
            switch action {
            case .stop(.tokenRejected):
                output.yield(.state(.tokenRejected))
                return
            case .stop(.untrusted):
                output.yield(.state(.untrusted(untrusted?.description ?? "the server's certificate is not trusted")))
                return
            case .again, .checkToken:
                continue
            case .waitFor(let delay, let moveOn):
                logger.info("the server is draining: reconnecting when it asked", metadata: ["after": "\(delay)"])
                if moveOn { api.rotation.moveOn(from: node) }
                output.yield(.state(.reconnecting(at: Date().addingTimeInterval(delay.seconds))))
                try? await Task.sleep(for: delay)
            case .wait(let attempt, let moveOn):
                // Another node of the cluster, if there is one, from the same cursor.
                if moveOn { api.rotation.moveOn(from: node) }
                let delay = options.reconnect.delay(forAttempt: attempt)
                output.yield(.state(.reconnecting(at: Date().addingTimeInterval(delay.seconds))))
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// `/api/me`, before falling back to long-polling: a 401 there is the token's, not the wire's.
    private func checkToken() async -> (PushPolicy.TokenCheck, ClientError?) {
        do {
            _ = try await api.me()
            return (await api.isDraining() ? .draining : .good, nil)
        } catch let error as ClientError where error.isUnauthorized {
            return (.unauthorized, nil)
        } catch let error as ClientError where error.isUntrusted {
            return (.untrusted, error)
        } catch {
            return (.failed, nil)
        }
    }

    /// What a hello or poll answer says of the history: a new epoch, a gap.
    private func meet(
        epoch: String?, gap: Bool?, oldest: Int64?, restartedAt: Int64,
        _ output: AsyncStream<PushUpdate>.Continuation
    ) {
        let (known, found) = cursor.withLockedValue { cursor in
            let known = cursor.epoch
            return (known, cursor.meet(epoch: epoch, gap: gap == true, oldest: oldest, restartedAt: restartedAt))
        }
        if let epoch, epoch != known { output.yield(.epoch(epoch)) }
        if let found {
            logger.info("the server could not resume the stream where it was", metadata: ["gap": "\(found)"])
            output.yield(.gap(found))
        }
    }

    private func deliver(_ events: [Event], _ output: AsyncStream<PushUpdate>.Continuation) {
        for event in events where cursor.withLockedValue({ $0.accept(event) }) {
            output.yield(.event(event))
        }
    }

    /// Long-polls until an error, or until `deadline` (then `.ended`, to retry the WebSocket).
    private func longPoll(_ output: AsyncStream<PushUpdate>.Continuation, until deadline: ContinuousClock.Instant?)
        async -> Outcome
    {
        while !Task.isCancelled {
            if let deadline, ContinuousClock.now >= deadline { return .ended }
            do {
                let (from, epoch) = cursor.withLockedValue { ($0.lastId, $0.epoch) }
                let result = try await api.poll(cursor: from, epoch: epoch, timeout: options.longPollTimeout)
                meet(
                    epoch: result.epoch, gap: result.gap, oldest: result.oldest,
                    restartedAt: result.events.first.map { $0.id - 1 } ?? result.cursor, output)
                deliver(result.events, output)
                // Past events of unknown types too, which the decoder left out of `events`.
                cursor.withLockedValue { $0.pass(result.cursor) }
                // Events carry their own count; an empty answer still tells of reads elsewhere.
                if result.events.isEmpty { output.yield(.unread(result.unread)) }
                if let retry = result.retryAfter { return .drained(retry) }
            } catch let error as ClientError where error.isDraining {
                // A node refusing new streams while it drains: another one, after a second.
                return .drained(PushPolicy.drainingWithoutHint)
            } catch let error as ClientError where error.isUnauthorized {
                return .unauthorized
            } catch let error as ClientError where error.isUntrusted {
                return .untrusted(error)
            } catch {
                return .failed(String(describing: error))
            }
        }
        return .ended
    }

    private func webSocket(_ output: AsyncStream<PushUpdate>.Continuation) async -> Outcome {
        let greeted = Flag()
        let upgraded = Flag()
        let drainHint = NIOLockedValueBox<Duration?>(nil)
        var configuration = WebSocketClientConfiguration(
            maxFrameSize: 1 << 20, additionalHeaders: [.authorization: "Bearer \(api.token)"],
            autoPing: .enabled(timePeriod: options.pingInterval))
        configuration.closeTimeout = .seconds(5)
        let url = cursor.withLockedValue { api.webSocketURL(cursor: $0.lastId, epoch: $0.epoch) }
        let tls = api.tls
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [configuration] in
                    let close = try await self.connectWebSocket(url: url, configuration: configuration, tls: tls) {
                        inbound in
                        upgraded.set()
                        let decoder = WireCoding.makeDecoder()
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            let data = Data(text.utf8)
                            if let event = try? decoder.decode(Event.self, from: data) {
                                self.deliver([event], output)
                            } else if let hello = try? decoder.decode(Hello.self, from: data), hello.type == "hello" {
                                greeted.set()
                                output.yield(.state(.webSocket))
                                self.meet(
                                    epoch: hello.epoch, gap: hello.gap, oldest: hello.oldest,
                                    restartedAt: hello.cursor, output)
                                output.yield(.unread(hello.unread))
                            } else if let mark = try? decoder.decode(StreamMark.self, from: data) {
                                // An event type from a newer server: not shown, but not asked for again.
                                self.cursor.withLockedValue { $0.pass(mark.id) }
                            }
                        }
                    }
                    let hint = PushPolicy.drainHint(
                        code: close.map { UInt16(webSocketErrorCode: $0.closeCode) }, reason: close?.reason)
                    drainHint.withLockedValue { $0 = hint }
                }
                // Frozen for a while (SIGSTOP, a laptop asleep): `PushPolicy.wasFrozen`.
                group.addTask {
                    while true {
                        let start = ContinuousClock.now
                        try await Task.sleep(for: .seconds(1))
                        if PushPolicy.wasFrozen(sleptFor: .now - start) { throw Woken() }
                    }
                }
                group.addTask { [handshakeTimeout = options.handshakeTimeout] in
                    try await Task.sleep(for: handshakeTimeout)
                    if !greeted.isSet { throw HandshakeTimeout() }
                    try await Task.sleep(for: .seconds(Int64.max / 4))
                }
                try await group.next()
                group.cancelAll()
            }
            // A draining node closes even a socket it has not greeted with its hint.
            if let hint = drainHint.withLockedValue({ $0 }) { return .drained(hint) }
            return greeted.isSet ? .ended : .upgradeRefused
        } catch is Woken {
            logger.info("push connection replaced after the process was frozen")
            return .ended
        } catch is HandshakeTimeout {
            // Upgraded but never greeted: something in the way holds the stream (treated as
            // refused, so long-polling takes over). No answer at all: the path is silent, as
            // when a proxy or NAT stopped forwarding; try again, WebSocket first.
            return upgraded.isSet ? .upgradeRefused : .unanswered
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            return .upgradeRefused
        } catch {
            if let reason = TLSFailure.reason(error) {
                return .untrusted(.untrustedCertificate(host: api.server.host ?? "?", reason: reason))
            }
            return greeted.isSet ? .ended : .failed(String(describing: error))
        }
    }

    /// WSClient, but for `wss://` to an IP address, which it cannot reach (`AddressWebSocket`).
    private func connectWebSocket(
        url: String, configuration: WebSocketClientConfiguration, tls: TLSConfiguration?,
        receive: @escaping @Sendable (WebSocketInboundStream) async throws -> Void
    ) async throws -> WebSocketCloseFrame? {
        let parts = URLComponents(string: url)
        let host = parts?.host?.trimmingCharacters(in: ["[", "]"])
        if let tls, let parts, let host, AddressWebSocket.isAddress(host) {
            let path = parts.percentEncodedPath + (parts.percentEncodedQuery.map { "?" + $0 } ?? "")
            return try await AddressWebSocket.connect(
                host: host, port: parts.port ?? 443, path: path, configuration: configuration, tls: tls, logger: logger
            ) { inbound, _, _ in try await receive(inbound) }
        } else {
            return try await WebSocketClient.connect(
                url: url, configuration: configuration, tlsConfiguration: tls, logger: logger
            ) { inbound, _, _ in try await receive(inbound) }
        }
    }

    private struct HandshakeTimeout: Error {}
    private struct Woken: Error {}

    /// Set once by the frame reader, read by the handshake timer.
    private final class Flag: Sendable {
        private let value = NIOLockedValueBox(false)
        var isSet: Bool { value.withLockedValue { $0 } }
        func set() { value.withLockedValue { $0 = true } }
    }
}
