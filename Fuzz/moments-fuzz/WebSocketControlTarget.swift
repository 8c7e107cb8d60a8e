import NIOCore
import NIOEmbedded
import NIOWebSocket

@testable import MomentsServer

/// A peer's raw bytes through NIO's frame decoder into `WebSocketControl`, with keep-alive
/// ticks between frames, as `WebSocketPushHandler` receives them. Checked: a ping is answered
/// with its own payload; once a close went either way nothing but the closing handshake is
/// sent; a message over the limit is closed with 1009; any other close is 1008 (a flood).
enum WebSocketControlTarget {
    static let limits = WebSocketControl.Limits(maxMessage: 64, messagesPerSecond: 4)

    static func run(_ bytes: UnsafeRawBufferPointer) {
        var input = FuzzInput(bytes)
        let ticks = input.byte()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 256)))
            try channel.writeInbound(ByteBuffer(bytes: input.rest()))
        } catch {
            return  // a protocol error NIO refuses (the handler then closes the connection)
        }
        let start = ContinuousClock.now
        var control = WebSocketControl(limits: limits, now: start)
        var closing = false
        var message = 0
        var index = 0
        while let frame = try? channel.readInbound(as: WebSocketFrame.self) {
            index += 1
            let payload = frame.unmaskedData
            let action = control.received(
                frame.opcode, length: payload.readableBytes, fin: frame.fin, payload: payload,
                now: start + .milliseconds(index * 50))
            var overLimit = false
            switch frame.opcode {
            case .text, .binary, .continuation:
                overLimit = message + payload.readableBytes > limits.maxMessage
                message = frame.fin ? 0 : message + payload.readableBytes
            default: break
            }
            check(action, after: frame, payload: payload, closing: closing, overLimit: overLimit)
            if case .answerClose = action { closing = true }
            if case .sendClose = action { closing = true }
            if ticks & (1 << (index % 8)) != 0 {
                let tick = control.pingTick()
                precondition(!closing || tick == .none, "a keep-alive \(tick) while closing")
            }
        }
    }

    static func check(
        _ action: WebSocketControl.Action, after frame: WebSocketFrame, payload: ByteBuffer, closing: Bool,
        overLimit: Bool
    ) {
        if closing {
            precondition(
                action == .none || action == .hangUp, "\(action) after a close, for \(frame.opcode)")
            return
        }
        switch frame.opcode {
        case .ping: precondition(action == .sendPong(payload), "ping answered with \(action)")
        case .connectionClose: precondition(action == .answerClose(payload), "close answered with \(action)")
        case .pong: precondition(action == .none, "pong answered with \(action)")
        default:
            if case .sendClose(let code, _) = action {
                precondition(code == .messageTooLarge || code == .policyViolation, "closed with \(code)")
            }
            if overLimit { precondition(action == .sendClose(.messageTooLarge, reason: "message too big")) }
        }
    }
}
