/// The push connection's decisions as a value, as the server's `WebSocketControl` is: which
/// transport to try next, and what to do once it has ended. `PushConnection` carries the
/// actions out; `PushPolicyTests` drive it with made-up outcomes and times, no socket.
struct PushPolicy {
    enum Transport: Equatable {
        case webSocket
        /// Until `until` (nil: for good), then the WebSocket again.
        case longPoll(until: ContinuousClock.Instant?)
    }

    /// How a transport's run ended.
    enum Outcome: Equatable {
        /// The server answered the upgrade with something other than 101, or upgraded and never
        /// said hello: something in the way holds the stream.
        case upgradeRefused
        /// A session that had worked ended (a drop, a restart, a close frame; a long-poll's turn).
        case ended
        /// Could not connect at all.
        case failed
        /// Connected, but the upgrade got no answer at all: a path gone silent.
        case unanswered
        case unauthorized
        /// The certificate failed verification.
        case untrusted
        /// The server is draining and said when to come back (WebSocket close 1012
        /// `retry_ms=N`, a long-poll's `Retry-After`).
        case drained(retry: Duration)
    }

    /// Before falling back to long-polling, `/api/me` is asked: a 401 there means the token,
    /// not the wire.
    enum TokenCheck: Equatable {
        case good, unauthorized, untrusted, failed
        /// The token is good and the node is draining: that is why it refused the upgrade.
        case draining
    }

    enum Action: Equatable {
        /// Final: no transport would do better over the same server with the same token.
        case stop(Stop)
        /// Ask `/api/me` (and `/readyz`: is the node draining?), then `afterTokenCheck`.
        case checkToken
        /// The next transport, at once.
        case again
        /// The next transport after the backoff of `attempt`; first to another node of the
        /// cluster with `moveOn`.
        case wait(attempt: Int, moveOn: Bool)
        /// As long as the server said, then to the next node (if there is one).
        case waitFor(Duration, moveOn: Bool)
    }

    enum Stop: Equatable {
        case tokenRejected, untrusted
    }

    /// Upgrades in a row with no answer before `auto` long-polls rather than trying for ever.
    static let unansweredBeforeFallback = 3
    /// How long to wait for a draining node that gave no hint.
    static let drainingWithoutHint: Duration = .seconds(1)

    let mode: TransportMode
    /// How long long-polling lasts before the WebSocket is tried again (`auto`).
    let webSocketRetry: Duration
    private(set) var attempt = 0
    private(set) var unanswered = 0
    private(set) var longPollingSince: ContinuousClock.Instant?

    init(mode: TransportMode, webSocketRetry: Duration, now: ContinuousClock.Instant) {
        self.mode = mode
        self.webSocketRetry = webSocketRetry
        longPollingSince = mode == .longpoll ? now : nil
    }

    func next(now: ContinuousClock.Instant) -> Transport {
        guard let since = longPollingSince, mode == .longpoll || now - since < webSocketRetry else {
            return .webSocket
        }
        return .longPoll(until: mode == .longpoll ? nil : since + webSocketRetry)
    }

    mutating func after(_ outcome: Outcome, of transport: Transport) -> Action {
        if case .longPoll = transport, outcome == .ended, mode == .auto {
            // Long-polling's time is up: the WebSocket again, at once.
            longPollingSince = nil
            attempt = 0
            return .again
        }
        switch outcome {
        case .drained(let retry):
            // Not a failure: the session worked and the node is going; resume elsewhere.
            attempt = 0
            unanswered = 0
            return .waitFor(retry, moveOn: true)
        case .unauthorized:
            return .stop(.tokenRejected)
        case .untrusted:
            return .stop(.untrusted)
        case .unanswered where mode == .auto && unanswered >= Self.unansweredBeforeFallback - 1,
            .upgradeRefused where mode == .auto:
            unanswered = 0
            return .checkToken
        case .unanswered:
            unanswered += 1
            attempt += 1
        case .ended:
            attempt = 0
            unanswered = 0
        case .failed:
            attempt += 1
            return .wait(attempt: attempt, moveOn: true)
        case .upgradeRefused:
            attempt += 1
        }
        return .wait(attempt: attempt, moveOn: false)
    }

    mutating func afterTokenCheck(_ check: TokenCheck, now: ContinuousClock.Instant) -> Action {
        switch check {
        case .good:
            longPollingSince = now
            attempt = 0
            return .again
        case .draining:
            // Not a path without WebSockets: another node (or this one, replaced) soon.
            attempt = 0
            return .waitFor(Self.drainingWithoutHint, moveOn: true)
        case .unauthorized:
            return .stop(.tokenRejected)
        case .untrusted:
            return .stop(.untrusted)
        case .failed:
            attempt += 1
            return .wait(attempt: attempt, moveOn: false)
        }
    }

    /// A one-second sleep that took this long means the process was stopped or the machine
    /// slept: the path may be dead without a word (a NAT forgot it), so the connection starts
    /// again from its cursor rather than wait for a ping to fail.
    /// The reconnect hint of a WebSocket close: 1012 (service restart) with `retry_ms=N`, at
    /// most a minute; a 1012 without a readable hint waits a second.
    static func drainHint(code: UInt16?, reason: String?) -> Duration? {
        guard code == 1012 else { return nil }
        guard let reason, reason.hasPrefix("retry_ms="), let ms = Int64(reason.dropFirst("retry_ms=".count)), ms >= 0
        else { return drainingWithoutHint }
        return .milliseconds(min(ms, 60_000))
    }

    static let frozen: Duration = .seconds(4)

    static func wasFrozen(sleptFor slept: Duration) -> Bool { slept > frozen }
}
