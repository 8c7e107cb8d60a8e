import Testing

@testable import MomentsClient

/// The push connection's decisions without a socket or a clock: made-up outcomes and instants.
@Suite("Push policy: which transport next, and what a run's end means")
struct PushPolicyTests {
    static let start = ContinuousClock.now

    static func auto() -> PushPolicy { PushPolicy(mode: .auto, webSocketRetry: .seconds(60), now: start) }

    @Test(
        "three unanswered upgrades in a row: the token is checked, then long-polling until the WebSocket is due again")
    func unansweredFallsBack() {
        var policy = Self.auto()
        #expect(policy.next(now: Self.start) == .webSocket)
        #expect(policy.after(.unanswered, of: .webSocket) == .wait(attempt: 1, moveOn: false))
        #expect(policy.next(now: Self.start) == .webSocket)
        #expect(policy.after(.unanswered, of: .webSocket) == .wait(attempt: 2, moveOn: false))
        #expect(policy.after(.unanswered, of: .webSocket) == .checkToken)
        let later = Self.start + .seconds(5)
        #expect(policy.afterTokenCheck(.good, now: later) == .again)
        #expect(policy.next(now: later) == .longPoll(until: later + .seconds(60)))
    }

    @Test("a refused upgrade falls back at once; a session that worked, then ended, starts the count again")
    func refusalAndEnd() {
        var policy = Self.auto()
        #expect(policy.after(.unanswered, of: .webSocket) == .wait(attempt: 1, moveOn: false))
        #expect(policy.after(.ended, of: .webSocket) == .wait(attempt: 0, moveOn: false))
        #expect(policy.after(.unanswered, of: .webSocket) == .wait(attempt: 1, moveOn: false))
        #expect(policy.after(.unanswered, of: .webSocket) == .wait(attempt: 2, moveOn: false))
        #expect(policy.after(.upgradeRefused, of: .webSocket) == .checkToken)
        // The count of unanswered upgrades starts again after a fallback was considered.
        #expect(policy.afterTokenCheck(.failed, now: Self.start) == .wait(attempt: 3, moveOn: false))
        #expect(policy.next(now: Self.start) == .webSocket)
        #expect(policy.after(.unanswered, of: .webSocket) == .wait(attempt: 4, moveOn: false))
    }

    @Test("the token check: a 401 is the token's (final), an untrusted certificate is final, a failure is retried")
    func tokenCheck() {
        for (check, action) in [
            (PushPolicy.TokenCheck.unauthorized, PushPolicy.Action.stop(.tokenRejected)),
            (.untrusted, .stop(.untrusted)), (.failed, .wait(attempt: 1, moveOn: false)),
        ] {
            var policy = Self.auto()
            #expect(policy.after(.upgradeRefused, of: .webSocket) == .checkToken)
            #expect(policy.afterTokenCheck(check, now: Self.start) == action, "\(check)")
        }
    }

    @Test("while long-polling: the WebSocket again after 60 s, at once; a failed poll backs off on another node")
    func longPollingWindow() {
        var policy = Self.auto()
        _ = policy.after(.upgradeRefused, of: .webSocket)
        _ = policy.afterTokenCheck(.good, now: Self.start)
        let window = PushPolicy.Transport.longPoll(until: Self.start + .seconds(60))
        #expect(policy.next(now: Self.start + .seconds(59)) == window)
        #expect(policy.after(.failed, of: window) == .wait(attempt: 1, moveOn: true))
        #expect(policy.next(now: Self.start + .seconds(59)) == window)
        #expect(policy.next(now: Self.start + .seconds(60)) == .webSocket)
        #expect(policy.after(.ended, of: window) == .again)
        #expect(policy.next(now: Self.start + .seconds(61)) == .webSocket)
        #expect(policy.attempt == 0)
    }

    @Test("a failed connect backs off and moves to another node; backoff grows until a session works")
    func failures() {
        var policy = Self.auto()
        for attempt in 1...5 {
            #expect(policy.after(.failed, of: .webSocket) == .wait(attempt: attempt, moveOn: true))
        }
        #expect(policy.after(.ended, of: .webSocket) == .wait(attempt: 0, moveOn: false))
    }

    @Test("final whatever the transport: a refused token, an untrusted certificate")
    func final() {
        var policy = Self.auto()
        #expect(policy.after(.unauthorized, of: .webSocket) == .stop(.tokenRejected))
        #expect(policy.after(.untrusted, of: .longPoll(until: nil)) == .stop(.untrusted))
    }

    @Test("--transport websocket never falls back; --transport longpoll never tries the WebSocket")
    func fixedModes() {
        var webSocket = PushPolicy(mode: .websocket, webSocketRetry: .seconds(60), now: Self.start)
        for attempt in 1...4 {
            #expect(webSocket.after(.upgradeRefused, of: .webSocket) == .wait(attempt: attempt, moveOn: false))
            #expect(webSocket.next(now: Self.start) == .webSocket)
        }
        #expect(webSocket.after(.unanswered, of: .webSocket) == .wait(attempt: 5, moveOn: false))
        var longPoll = PushPolicy(mode: .longpoll, webSocketRetry: .seconds(60), now: Self.start)
        #expect(longPoll.next(now: Self.start + .seconds(3600)) == .longPoll(until: nil))
        #expect(longPoll.after(.ended, of: .longPoll(until: nil)) == .wait(attempt: 0, moveOn: false))
        #expect(longPoll.after(.failed, of: .longPoll(until: nil)) == .wait(attempt: 1, moveOn: true))
        #expect(longPoll.next(now: Self.start + .seconds(7200)) == .longPoll(until: nil))
    }

    @Test("a one-second sleep that took over 4 s means the process was frozen: the connection starts again")
    func frozen() {
        #expect(!PushPolicy.wasFrozen(sleptFor: .milliseconds(1_200)))
        #expect(!PushPolicy.wasFrozen(sleptFor: .seconds(4)))
        #expect(PushPolicy.wasFrozen(sleptFor: .milliseconds(4_001)))
    }

    @Test("an upgrade refused by a draining node: not a path without WebSockets; another node after a second")
    func upgradeRefusedWhileDraining() {
        var policy = PushPolicy(mode: .auto, webSocketRetry: .seconds(60), now: Self.start)
        #expect(policy.after(.upgradeRefused, of: .webSocket) == .checkToken)
        #expect(policy.afterTokenCheck(.draining, now: Self.start) == .waitFor(.seconds(1), moveOn: true))
        // Still the WebSocket next, not long-polling for a minute.
        #expect(policy.next(now: Self.start + .seconds(1)) == .webSocket)
        #expect(policy.attempt == 0)
    }

    @Test("a draining node's hint: wait exactly that, then another node; the backoff starts over")
    func drained() {
        var policy = Self.auto()
        _ = policy.after(.failed, of: .webSocket)
        #expect(policy.attempt == 1)
        #expect(
            policy.after(.drained(retry: .milliseconds(1500)), of: .webSocket)
                == .waitFor(.milliseconds(1500), moveOn: true))
        #expect(policy.attempt == 0)
        #expect(policy.next(now: Self.start) == .webSocket)
        // Long-polling stays long-polling across a drained node.
        var longPoll = PushPolicy(mode: .longpoll, webSocketRetry: .seconds(60), now: Self.start)
        #expect(
            longPoll.after(.drained(retry: .seconds(2)), of: .longPoll(until: nil))
                == .waitFor(.seconds(2), moveOn: true))
        #expect(longPoll.next(now: Self.start) == .longPoll(until: nil))
    }

    @Test("the hint of a close: 1012 with retry_ms=N (at most a minute); a bare 1012 waits a second; other codes none")
    func drainHint() {
        #expect(PushPolicy.drainHint(code: 1012, reason: "retry_ms=1834") == .milliseconds(1834))
        #expect(PushPolicy.drainHint(code: 1012, reason: "retry_ms=999999") == .seconds(60))
        #expect(PushPolicy.drainHint(code: 1012, reason: nil) == .seconds(1))
        #expect(PushPolicy.drainHint(code: 1012, reason: "retry_ms=-5") == .seconds(1))
        #expect(PushPolicy.drainHint(code: 1001, reason: "retry_ms=100") == nil)
        #expect(PushPolicy.drainHint(code: nil, reason: nil) == nil)
    }
}
