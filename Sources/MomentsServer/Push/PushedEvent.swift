import MomentsCore
import NIOCore

/// An event with its wire JSON, encoded once on this node however many connections its
/// recipient has open; every WebSocket frame, SSE `data:` line and script call reuses the bytes.
public struct PushedEvent: Sendable {
    public let event: Event
    /// The event as one JSON object, UTF-8.
    public let json: ByteBuffer

    init(_ delivery: Delivery) {
        self.event = delivery.event
        self.json = EventJSON.encode(delivery.event, data: delivery.data)
    }
}
