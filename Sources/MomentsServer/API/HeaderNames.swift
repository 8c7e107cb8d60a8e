import HTTPTypes

extension HTTPField.Name {
    static let lastEventID = Self("Last-Event-ID")!
    static let apiKey = Self("X-API-Key")!
    /// Tells nginx-style proxies not to buffer a streaming response.
    static let xAccelBuffering = Self("X-Accel-Buffering")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
