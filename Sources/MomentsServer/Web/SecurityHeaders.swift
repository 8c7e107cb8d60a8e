import HTTPTypes

/// Browser hardening for the page and its files.
enum SecurityHeaders {
    /// The page loads only its own files and talks only to this server (`'self'` covers ws: to
    /// the same host); it may frame only this server (the iframe stream), and nobody may frame it.
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "connect-src 'self'", "frame-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
        "form-action 'none'", "object-src 'none'",
    ].joined(separator: "; ")

    static let page: HTTPFields = [
        .contentSecurityPolicy: contentSecurityPolicy,
        .xFrameOptions: "DENY",
        .xContentTypeOptions: "nosniff",
        .referrerPolicy: "no-referrer",
        .cacheControl: "no-cache",
    ]
}
