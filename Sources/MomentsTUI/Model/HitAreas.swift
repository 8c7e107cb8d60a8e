/// Where the last frame drew what a click can hit, recorded by `View` (only it knows the
/// layout) for `update` to map a click to a post, a comment or the badge.
public struct HitAreas: Equatable, Sendable {
    /// Screen row → the item drawn there: a post in the feed, a post view's item (0 the post,
    /// `i` its comment), a notification.
    public var items: [Int: Int] = [:]
    /// The header columns of the unread badge.
    public var badge: Range<Int>?

    public init() {}
}

/// A mouse event the terminal reported (with `mouse = true` in config.toml).
public struct MouseEvent: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case click, wheelUp, wheelDown
    }

    public var kind: Kind
    public var row: Int
    public var column: Int

    public init(_ kind: Kind, row: Int, column: Int) {
        self.kind = kind
        self.row = row
        self.column = column
    }
}
