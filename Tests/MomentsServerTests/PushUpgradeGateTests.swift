import HTTPTypes
import Hummingbird
import Logging
import MomentsCore
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import MomentsServer
@testable import MomentsTestSupport

/// The gate on a testing channel, between a hand-fed stream of request parts and the parts it
/// writes: a router whose `/api/ws` refuses, fails or admits as the request asks. No socket.
@Suite("PushUpgradeGate, without sockets")
struct PushUpgradeGateTests {
    /// The RFC 6455 example handshake: this key must be answered with this accept value.
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="
    static let accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    struct Gate {
        let channel = NIOAsyncTestingChannel()
        let negotiated: EventLoopFuture<PushUpgradeGate.Negotiated>

        init(node: WebSocketPushHandlerTests.Node) async throws {
            let router = Router(context: MomentsRequestContext.self)
            router.get("api/ws") { request, context -> Response in
                switch request.headers[HTTPField.Name("x-answer")!] {
                case "refuse":
                    throw APIError(.unauthorized, "unauthorized", "a token is needed")
                case "fail":
                    throw CancellationError()  // not an HTTP error: answered 500
                default:
                    let user = UserSummary(id: "alice", name: "Alice")
                    context.pushUpgrade?.admit(PushGrant(user: user, cursor: nil, client: "test"))
                    return Response(status: .switchingProtocols)
                }
            }
            let responder = router.buildResponder()
            let channel = self.channel
            let promise = channel.testingEventLoop.makePromise(of: PushUpgradeGate.Negotiated.self)
            negotiated = promise.futureResult
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
            let push = node.dependencies
            try await channel.testingEventLoop.executeInContext {
                try channel.pipeline.syncOperations.addHandler(
                    PushUpgradeGate(
                        router: responder, push: push, logger: Logger(label: "test"), negotiated: promise,
                        startHTTP: { channel in
                            try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init())
                        }))
            }
        }

        func send(path: String = "/api/ws", _ fields: [(String, String)]) async throws {
            var head = HTTPRequest(method: .get, scheme: nil, authority: "x", path: path)
            for (name, value) in fields { head.headerFields.append(HTTPField(name: .init(name)!, value: value)) }
            try await channel.writeInbound(HTTPRequestPart.head(head))
            try await channel.writeInbound(HTTPRequestPart.end(nil))
        }

        func upgrade(answer: String, key: String? = PushUpgradeGateTests.key) async throws {
            var fields = [("Connection", "Upgrade"), ("Upgrade", "websocket"), ("x-answer", answer)]
            if let key { fields += [("Sec-WebSocket-Key", key), ("Sec-WebSocket-Version", "13")] }
            try await send(fields)
        }

        func next() async throws -> HTTPResponsePart {
            try await within { try await channel.waitForOutboundWrite(as: HTTPResponsePart.self) }
        }

        /// A refusal as a client reads it: the head, a body of exactly its Content-Length, the
        /// end, and then the connection closes.
        func refusal() async throws -> (HTTPResponse, String) {
            guard case .head(let head) = try await next() else { throw Unexpected("no head first") }
            var body = ""
            while true {
                switch try await next() {
                case .body(let part): body += String(buffer: part)
                case .end: return (head, body)
                case .head: throw Unexpected("a second head")
                }
            }
        }

        func waitUntilClosed() async throws {
            try await eventually("closed") { channel.isActive ? nil : true }
        }
    }

    struct Unexpected: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test("a refused upgrade is answered whole (Content-Length, Connection: close, the JSON error), then closed")
    func refusalAnsweredWholeThenClosed() async throws {
        let gate = try await Gate(node: try await WebSocketPushHandlerTests.Node())
        try await gate.upgrade(answer: "refuse")
        let (head, body) = try await gate.refusal()
        #expect(head.status == .unauthorized)
        #expect(head.headerFields[.connection] == "close")
        #expect(head.headerFields[.contentLength] == String(body.utf8.count))
        #expect(body.contains(#""code":"unauthorized""#))
        try await gate.waitUntilClosed()
        let negotiated = gate.negotiated
        await #expect(throws: (any Error).self) { try await within { try await negotiated.get() } }
    }

    @Test("a route that throws something other than an HTTP error: 500, whole, then closed")
    func failureIsInternalError() async throws {
        let gate = try await Gate(node: try await WebSocketPushHandlerTests.Node())
        try await gate.upgrade(answer: "fail")
        let (head, body) = try await gate.refusal()
        #expect(head.status == .internalServerError)
        #expect(body.contains(#""code":"internal""#))
        try await gate.waitUntilClosed()
    }

    @Test("admitted without a WebSocket key: 400, whole, then closed; no push handler")
    func admittedWithoutKey() async throws {
        let gate = try await Gate(node: try await WebSocketPushHandlerTests.Node())
        try await gate.upgrade(answer: "admit", key: nil)
        let (head, body) = try await gate.refusal()
        #expect(head.status == .badRequest)
        #expect(body.contains("Sec-WebSocket-Key"))
        try await gate.waitUntilClosed()
    }

    @Test("admitted with a key: 101 with the accept value, the gate hands the connection to the push handler")
    func admittedSwitches() async throws {
        let node = try await WebSocketPushHandlerTests.Node()
        let gate = try await Gate(node: node)
        try await gate.upgrade(answer: "admit")
        guard case .head(let head) = try await gate.next() else { throw Unexpected("no head") }
        #expect(head.status == .switchingProtocols)
        #expect(head.headerFields[.secWebSocketAccept] == Self.accept)
        let negotiated = gate.negotiated
        let pushing = try await within { try await negotiated.get() }
        guard case .pushing = pushing else { throw Unexpected("not pushing") }
        #expect(gate.channel.isActive)
        // The hello goes out as a WebSocket frame, through the encoder added ahead of the handler.
        var written = ""
        while !written.contains(#""type":"hello""#) {
            written += String(
                buffer: try await within { try await gate.channel.waitForOutboundWrite(as: ByteBuffer.self) })
        }
        try await eventually("subscribed") { node.dependencies.hub.subscriptionCount == 1 ? true : nil }
        _ = try? await gate.channel.finish()
    }

    @Test("an upgrade behind a plain request waits for that request's answer to end, then is answered")
    func upgradeWaitsForEarlierAnswer() async throws {
        let gate = try await Gate(node: try await WebSocketPushHandlerTests.Node())
        try await gate.send(path: "/api/feed", [])
        let negotiated = gate.negotiated
        let http = try await within { try await negotiated.get() }
        guard case .http = http else { throw Unexpected("no request loop") }
        try await gate.upgrade(answer: "refuse")
        // The plain request is still being answered: nothing of the upgrade's answer yet.
        try await gate.channel.testingEventLoop.executeInContext {}
        #expect(try await gate.channel.readOutbound(as: HTTPResponsePart.self) == nil)
        let plain = HTTPResponse(status: .ok, headerFields: [.contentLength: "0"])
        try await gate.channel.writeOutbound(HTTPResponsePart.head(plain))
        try await gate.channel.writeOutbound(HTTPResponsePart.end(nil))
        guard case .head(let first) = try await gate.next(), case .end = try await gate.next() else {
            throw Unexpected("the plain answer is not first")
        }
        #expect(first.status == .ok)
        let (head, _) = try await gate.refusal()
        #expect(head.status == .unauthorized && head.headerFields[.connection] == "close")
        try await gate.waitUntilClosed()
    }
}
