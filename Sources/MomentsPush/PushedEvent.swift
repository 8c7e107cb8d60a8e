import MomentsStore
import NIOCore

/// A committed event with its wire JSON, encoded once on this node however many connections
/// its recipient has open; every WebSocket frame, SSE `data:` line and script call reuses the
/// bytes.
public struct PushedEvent: Sendable {
    public let event: StoredEvent
    /// The event as one JSON object, UTF-8.
    public let json: ByteBuffer

    public init(_ event: StoredEvent) {
        self.event = event
        self.json = EventJSON.encode(event)
    }
}
