import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

@testable import MomentsServer

/// The slowloris deadlines on an embedded channel: its event loop's clock is advanced by hand,
/// so a deadline is checked to the nanosecond with no socket and no wall time.
@Suite("Header deadlines, without sockets")
struct DeadlineHandlerTests {
    static func connected(_ handler: some ChannelHandler) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    static func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

    @Test("a first request whose headers are not complete by the deadline is closed, not a moment before")
    func firstRequestTooSlow() throws {
        let channel = try Self.connected(FirstRequestDeadline(timeout: .seconds(5)))
        try channel.writeInbound(Self.bytes("GET / HTTP/1.1\r\nHost: x\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(4_999))
        #expect(channel.isActive)
        try channel.writeInbound(Self.bytes("X-Slow: 1\r\n"))  // bytes still trickling: no reprieve
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test("headers complete in time, the blank line split across reads: the bytes pass unchanged, the deadline goes")
    func firstRequestInTime() throws {
        let channel = try Self.connected(FirstRequestDeadline(timeout: .seconds(5)))
        for part in ["GET / HTTP/1.1\r\nHost: x\r\n\r", "\nbody"] { try channel.writeInbound(Self.bytes(part)) }
        var passed = ""
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += String(buffer: buffer) }
        #expect(passed == "GET / HTTP/1.1\r\nHost: x\r\n\r\nbody")
        #expect(throws: (any Error).self) {
            try channel.pipeline.syncOperations.handler(type: FirstRequestDeadline.self)
        }
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test("a connection silent since it opened is closed at once on graceful shutdown")
    func firstRequestQuiesce() throws {
        let channel = try Self.connected(FirstRequestDeadline(timeout: .seconds(5)))
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(!channel.isActive)
    }

    static let head = HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/api/me"))
    static let answered = HTTPResponsePart.end(nil)

    @Test("after a response, an idle kept-alive connection is closed at the deadline; a next request in time keeps it")
    func nextRequest() throws {
        let channel = try Self.connected(NextRequestDeadline(timeout: .seconds(3)))
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))  // no deadline while a request is served
        #expect(channel.isActive)
        try channel.writeOutbound(Self.answered)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_999))
        try channel.writeInbound(Self.head)
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "the deadline outlived the request that came in time")
        try channel.writeOutbound(Self.answered)
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!channel.isActive)
    }

    @Test("pipelined requests: the deadline starts only once the last one is answered")
    func pipelined() throws {
        let channel = try Self.connected(NextRequestDeadline(timeout: .seconds(3)))
        try channel.writeInbound(Self.head)
        try channel.writeInbound(Self.head)
        try channel.writeOutbound(Self.answered)
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(channel.isActive)
        try channel.writeOutbound(Self.answered)
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(!channel.isActive)
    }
}
