import HTTPTypes
import MomentsStore

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let apiKey = Self("X-API-Key")!
    static let idempotencyKey = Self("Idempotency-Key")!
    /// On an answer given again for a repeated `Idempotency-Key`.
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    /// Tells nginx-style proxies not to buffer a streaming response.
    static let xAccelBuffering = Self("X-Accel-Buffering")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
