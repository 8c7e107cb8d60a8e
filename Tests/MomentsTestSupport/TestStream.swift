import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// A streaming HTTP response (SSE, iframe) read as it arrives, over a real socket.
final class TestStream: Sendable {
    let status: Int
    let contentType: String?
    let headers: [String: String]
    private let text: NIOLockedValueBox<(received: String, ended: Bool)>
    private let task: NIOLockedValueBox<Task<Void, Never>?>

    static func open(_ server: TestServer, _ path: String, headers: [(String, String)] = []) async throws -> TestStream
    {
        var request = HTTPClientRequest(url: server.url.absoluteString + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
        let stream = TestStream(
            status: Int(response.status.code),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 }))
        stream.task.withLockedValue {
            $0 = Task {
                do {
                    for try await chunk in response.body {
                        stream.text.withLockedValue { $0.received += String(buffer: chunk) }
                    }
                } catch {}
                stream.text.withLockedValue { $0.ended = true }
            }
        }
        return stream
    }

    private init(status: Int, headers: [String: String]) {
        self.status = status
        self.headers = headers
        self.contentType = headers["content-type"]
        self.text = NIOLockedValueBox(("", false))
        self.task = NIOLockedValueBox(nil)
    }

    var received: String { text.withLockedValue { $0.received } }
    var ended: Bool { text.withLockedValue { $0.ended } }

    /// Waits (generously bounded) until what has arrived satisfies `condition`.
    @discardableResult
    func until(_ what: String, _ condition: @Sendable (String) -> Bool) async throws -> String {
        try await eventually(what) {
            let (text, ended) = self.text.withLockedValue { ($0.received, $0.ended) }
            if condition(text) { return text }
            if ended { throw TestFailure("stream ended before \(what); received:\n\(text)") }
            return nil
        }
    }

    func cancel() { task.withLockedValue { $0?.cancel() } }
}

/// One complete Server-Sent Events frame.
struct SSEFrame: Equatable {
    var id: String?
    var event: String?
    var data: String?
    var comment: String?
    var retry: String?

    /// The complete frames in `text` (a trailing partial frame is left out).
    static func parse(_ text: String) -> [SSEFrame] {
        var blocks = text.components(separatedBy: "\n\n")
        blocks.removeLast()  // what follows the last blank line is not complete yet
        return blocks.map { block in
            var frame = SSEFrame()
            for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
                if line.hasPrefix(":") {
                    frame.comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
                    continue
                }
                let parts = line.split(separator: ":", maxSplits: 1)
                let value = parts.count > 1 ? String(parts[1].dropFirst(parts[1].hasPrefix(" ") ? 1 : 0)) : ""
                switch parts[0] {
                case "id": frame.id = value
                case "event": frame.event = value
                case "data": frame.data = value
                case "retry": frame.retry = value
                default: break
                }
            }
            return frame
        }
    }
}
