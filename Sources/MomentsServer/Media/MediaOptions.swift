/// The bounds on pictures (docs/operations.md lists them with their `serve` flags).
public struct MediaOptions: Sendable {
    /// An upload's body: over it, 413 (from `Content-Length` before reading, or as it arrives).
    public var maxUploadBytes = 20 * 1024 * 1024
    /// A picture claiming more pixels than this is refused from its header, before decoding.
    public var maxPixels = 100_000_000
    /// Uploads per user in any hour: over it, 429.
    public var uploadsPerHour = 200
    /// Pictures decoded at once (each on a thread of its own, off the event loops), and how
    /// many more may wait for one: beyond that, 503.
    public var decodeThreads = 2
    public var decodeQueue = 16
    /// Uploads no post took are removed after this.
    public var unattachedAge: Duration = .seconds(24 * 3600)
    /// The square each size fits in, in pixels.
    public var thumbBox = 400
    public var largeBox = 1600

    public init() {}
}
