/// The first frame of a stream (WebSocket, SSE, iframe).
public struct Hello: Codable, Sendable, Equatable {
    public var type: String = "hello"
    public var user: UserSummary
    public var unread: Int
    /// The stream starts after this id.
    public var cursor: Int64
    /// The history the cursor belongs to: send it back (`?epoch=`) with the cursor.
    public var epoch: String?
    /// True when the client's cursor is not in what the server keeps: fetch the screens again.
    public var gap: Bool?
    /// With a gap: the oldest id the server still keeps.
    public var oldest: Int64?

    public init(
        user: UserSummary, unread: Int, cursor: Int64, epoch: String? = nil, gap: Bool? = nil, oldest: Int64? = nil
    ) {
        self.user = user
        self.unread = unread
        self.cursor = cursor
        self.epoch = epoch
        self.gap = gap
        self.oldest = oldest
    }
}
