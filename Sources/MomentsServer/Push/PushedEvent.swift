import Foundation
import MomentsCore
import NIOCore

/// An event with its wire JSON, encoded once on this node however many connections its
/// recipient has open; every WebSocket frame, SSE `data:` line and script call reuses the bytes.
public struct PushedEvent: Sendable {
    public let event: Event
    /// The event as one JSON object, UTF-8.
    public let json: ByteBuffer

    init(_ event: Event) throws {
        self.event = event
        self.json = ByteBuffer(bytes: try WireCoding.makeEncoder().encode(event))
    }
}
