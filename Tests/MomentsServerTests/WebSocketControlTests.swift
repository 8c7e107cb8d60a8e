import NIOCore
import NIOWebSocket
import Testing

@testable import MomentsServer

/// The WebSocket protocol side as a value: pings, closes and limits, no socket and no timer.
@Suite("WebSocket control")
struct WebSocketControlTests {
    static let limits = WebSocketControl.Limits(maxMessage: 10, messagesPerSecond: 1)

    /// Feeds `steps` to a fresh control and answers the actions it returned, in order.
    static func run(
        _ steps: [(inout WebSocketControl) -> WebSocketControl.Action], now: ContinuousClock.Instant = .now
    ) -> [WebSocketControl.Action] {
        var control = WebSocketControl(limits: limits, now: now)
        return steps.map { $0(&control) }
    }

    static func frame(_ opcode: WebSocketOpcode, length: Int = 0, fin: Bool = true, _ payload: String = "")
        -> (inout WebSocketControl) -> WebSocketControl.Action
    {
        { $0.received(opcode, length: length, fin: fin, payload: ByteBuffer(string: payload)) }
    }

    static var tick: (inout WebSocketControl) -> WebSocketControl.Action { { $0.pingTick() } }

    @Test("a tick pings; the next tick drops a peer that did not answer, keeps one that did")
    func pingDeadline() {
        #expect(Self.run([Self.tick, Self.tick]) == [.sendPing, .hangUp])
        #expect(Self.run([Self.tick, Self.frame(.pong), Self.tick]) == [.sendPing, .none, .sendPing])
    }

    @Test("a peer's ping is answered with its payload; its close is answered, and then only closing counts")
    func controlFrames() {
        let hi = ByteBuffer(string: "hi")
        #expect(
            Self.run([Self.frame(.ping, length: 2, "hi"), Self.frame(.connectionClose, length: 2, "hi")])
                == [.sendPong(hi), .answerClose(hi)])
        #expect(
            Self.run([Self.frame(.connectionClose), Self.frame(.ping), Self.tick]) == [
                .answerClose(ByteBuffer()), .none, .none,
            ])
    }

    @Test("the server's close goes out once; the peer's answering close ends the connection")
    func serverClose() {
        let close: (inout WebSocketControl) -> WebSocketControl.Action = { $0.close(.goingAway, reason: "bye") }
        #expect(
            Self.run([close, close, Self.frame(.connectionClose)])
                == [.sendClose(.goingAway, reason: "bye"), .none, .hangUp])
    }

    @Test("a message over the size limit across its frames closes with 1009")
    func messageTooBig() {
        #expect(
            Self.run([Self.frame(.text, length: 6, fin: false), Self.frame(.continuation, length: 6)])
                == [.none, .sendClose(.messageTooLarge, reason: "message too big")])
    }

    @Test("more messages than the rate allows (after the burst of three) close with 1008; time refills")
    func flood() {
        let start = ContinuousClock.now
        let message: (ContinuousClock.Instant) -> (inout WebSocketControl) -> WebSocketControl.Action = { now in
            { $0.received(.text, length: 1, fin: true, payload: ByteBuffer(), now: now) }
        }
        let burst = Array(repeating: message(start), count: 3)
        #expect(
            Self.run(burst + [message(start)], now: start)
                == [.none, .none, .none, .sendClose(.policyViolation, reason: "too many messages")])
        #expect(Self.run(burst + [message(start + .seconds(2))], now: start) == [.none, .none, .none, .none])
    }
}
