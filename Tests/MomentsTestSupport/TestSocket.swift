import Foundation
import HTTPTypes
import Logging
import MomentsCore
import NIOWebSocket
import WSClient

/// A raw WebSocket to `/api/ws` that records every text frame and the close frame.
final class TestSocket: Sendable {
    let frames: AsyncStream<String>
    private let task: Task<WebSocketCloseFrame?, any Error>

    /// - Parameter messages: text messages sent right after the upgrade (abuse tests).
    init(port: Int, token: String?, cursor: Int64? = nil, query: String = "", messages: [String] = []) {
        let (frames, continuation) = AsyncStream.makeStream(of: String.self)
        self.frames = frames
        var url = "ws://127.0.0.1:\(port)/api/ws?" + query
        if let cursor { url += "&cursor=\(cursor)" }
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        let configuration = WebSocketClientConfiguration(additionalHeaders: headers)
        task = Task { [url] in
            defer { continuation.finish() }
            return try await WebSocketClient.connect(
                url: url, configuration: configuration, logger: Logger(label: "test-socket")
            ) { inbound, outbound, _ in
                for message in messages { try await outbound.writeTextMessage(message) }
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    if case .text(let text) = message { continuation.yield(text) }
                }
            }
        }
    }

    /// The next text frame, or nil when the socket has closed.
    func next() async throws -> String? {
        try await within {
            var iterator = self.frames.makeAsyncIterator()
            return await iterator.next()
        }
    }

    func hello() async throws -> Hello {
        guard let frame = try await next() else { throw TestFailure("closed before hello") }
        return try WireCoding.makeDecoder().decode(Hello.self, from: Data(frame.utf8))
    }

    func event() async throws -> Event {
        guard let frame = try await next() else { throw TestFailure("closed before the next event") }
        return try WireCoding.makeDecoder().decode(Event.self, from: Data(frame.utf8))
    }

    /// How the connection ended: the server's close frame, or the error that ended it.
    func closed() async throws -> WebSocketCloseFrame? {
        try await within { try await self.task.value }
    }

    func cancel() { task.cancel() }
}
