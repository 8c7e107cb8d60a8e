/// The post view: which post, and which of its items is selected. Item 0 is the post itself
/// (its text and every liker), item `i` its `i`th comment, so the feed's `ListScroll` serves.
public struct OpenPost: Equatable, Sendable {
    public var postId: Int64
    public var scroll = ListScroll()

    public init(postId: Int64) {
        self.postId = postId
    }

    /// The index of the selected comment; nil while the post itself is selected.
    public var selectedComment: Int? { scroll.selected > 0 ? scroll.selected - 1 : nil }
}

/// Where the previous run of moments-tui left off (the newest post and event it had seen),
/// kept in the state directory between runs.
public struct LastVisit: Codable, Equatable, Sendable {
    public var postId: Int64
    public var eventId: Int64

    public init(postId: Int64, eventId: Int64) {
        self.postId = postId
        self.eventId = eventId
    }
}
