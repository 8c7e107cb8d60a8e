/// What a key can ask for: every action of the UI, bindable in config.toml's `[keys]` by
/// these names (`like = "f"`).
public enum Command: String, CaseIterable, Sendable {
    case down, up
    case pageDown = "page_down"
    case pageUp = "page_up"
    case top, bottom
    case open, back, like, comment, reply, post
    case nextUnread = "next_unread"
    case retry, discard
    case friends
    case addFriend = "add_friend"
    case accept, delete, unfriend, audience, mention
    case notifications, refresh, help, quit

    /// For the help screen.
    public var summary: String {
        switch self {
        case .down: "next post (or comment, in a post)"
        case .up: "previous post (or comment)"
        case .pageDown: "a screenful down"
        case .pageUp: "a screenful up"
        case .top: "first post (or the post itself)"
        case .bottom: "last post (or last comment)"
        case .open: "open the post with its likers and comments; on a notification, its post"
        case .back: "back to the feed; cancels editing"
        case .like: "like or unlike the post"
        case .comment: "comment on the post"
        case .reply: "reply to the selected comment"
        case .post: "write a new post"
        case .nextUnread: "next post with unread likes or comments"
        case .retry: "send a refused comment of the post again"
        case .discard: "let a refused comment of the post go"
        case .friends: "friends and friend requests"
        case .addFriend: "on the friends screen: ask someone to be your friend (their id, then a note)"
        case .accept: "on the friends screen: accept the selected request"
        case .delete:
            "delete the selected comment (yours, or any on your post) or your own post (asks first); "
                + "on the friends screen: decline the selected request"
        case .unfriend: "on the friends screen: end the friendship with the selected friend (asks first)"
        case .audience: "while writing a post: choose who may see it"
        case .mention: "while writing a post: pick friends to remind of it"
        case .notifications: "notifications (opening marks them read)"
        case .refresh: "reload the feed and notifications"
        case .help: "this help"
        case .quit: "quit"
        }
    }
}

/// Which keys run which command. Each key runs one command at most: binding a key to a
/// command takes it from any other.
public struct KeyBindings: Equatable, Sendable {
    public private(set) var keys: [Command: [Key]]

    public static let standard = KeyBindings(keys: [
        .down: [.character("j"), .down], .up: [.character("k"), .up], .pageDown: [.pageDown],
        .pageUp: [.pageUp], .top: [.character("g"), .home], .bottom: [.character("G"), .end],
        .open: [.enter], .back: [.escape], .like: [.character("l")], .comment: [.character("c")],
        .reply: [.character("R")], .post: [.character("p")], .nextUnread: [.character("u")],
        .retry: [.character("t")], .discard: [.character("x")], .friends: [.character("f")],
        .addFriend: [.character("+")], .accept: [.character("a")], .delete: [.character("d")],
        .unfriend: [.character("D")], .audience: [.tab], .mention: [.character("@")],
        .notifications: [.character("n")], .refresh: [.character("r")], .help: [.character("?")],
        .quit: [.character("q"), .interrupt],
    ])

    public func command(for key: Key) -> Command? {
        // Ctrl-C always leaves, whatever the bindings say.
        if key == .interrupt { return .quit }
        return Command.allCases.first { keys[$0, default: []].contains(key) }
    }

    public func keys(for command: Command) -> [Key] { keys[command, default: []] }

    public mutating func bind(_ command: Command, to new: [Key]) {
        for other in Command.allCases where other != command {
            keys[other]?.removeAll { new.contains($0) }
        }
        keys[command] = new
    }

    /// `j / down`, for the help screen; `-` when nothing is bound.
    public func describe(_ command: Command) -> String {
        let names = keys(for: command).map(\.spec)
        return names.isEmpty ? "-" : names.joined(separator: " / ")
    }

    /// The first key of a command, for the hint line.
    func first(_ command: Command) -> String { keys(for: command).first?.spec ?? "-" }
}
