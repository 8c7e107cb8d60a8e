import Foundation
import MomentsClient
import MomentsCore

/// The whole client as a value: what `View` draws and what `update` changes.
public struct AppState: Equatable, Sendable {
    public enum Panel: Equatable, Sendable {
        case feed
        case notifications
        case help
        /// One post alone, with every liker and comment (`openPost`).
        case post
        /// Friends and friend requests (`friendsScreen`).
        case friends
    }

    public struct Message: Equatable, Sendable {
        public var notice: Notice
        public var until: Date
    }

    public var me: UserSummary
    /// `--insecure`: certificates are not checked, which the header must keep saying.
    public var insecureTLS = false
    public var posts: [Post] = []
    public var nextBefore: Int64?
    public var feedScroll = ListScroll()
    public var notifications: [NotificationEntry] = []
    /// What the notifications screen shows (nil until the server's first answer).
    public var notificationGroups: [NotificationGroup]?
    /// The stream position the groups were read at: events up to it are in them.
    public var notificationGroupsCursor: Int64 = 0
    /// The selected group on the notifications screen.
    public var notificationSelected = 0
    public var unread = 0
    /// Newest event id seen: what "mark read" marks up to.
    public var newestEventId: Int64 = 0
    /// The server's history `newestEventId` is from (saved with it, to resume in a later run).
    public var streamEpoch: String?
    public var connection: ConnectionState = .connecting
    public var panel: Panel = .feed
    public var compose: Compose?
    /// `d` asked "Delete …? y/n" about this.
    public var confirmingDelete: DeleteTarget?
    public var message: Message?
    /// `r` asked for the feed again and it has not arrived yet.
    public var refreshing = false
    public var rows = 24
    public var columns = 80
    public var now: Date
    /// Posts as they were before an optimistic like/unlike, to roll back on failure.
    public var likeSnapshots: [Int64: Post] = [:]
    /// Comments shown before the server has stored them get negative ids, which no stored
    /// comment has, so its answer can replace the right one.
    public var nextPlaceholderId: Int64 = -1
    public var loadingMore = false
    /// Since when the push connection is down (nil while it is up).
    public var outage: Outage?
    /// The last time it was down long enough to mark what arrived after it.
    public var gap: OfflineGap?
    /// Friends' posts that arrived live, newest first, shown once the user goes to the top.
    public var newPosts: [Post] = []
    /// Posts the server refused, waiting to go back into the editor.
    public var refusedPosts: [String] = []
    /// Comments the server refused, by placeholder id: why.
    public var refusedComments: [Int64: String] = [:]
    /// Shown from the last run's snapshot (the server was away at start): reloaded once it answers.
    public var stale = false
    /// Writes waiting in the outbox to be sent (not counting refused ones).
    public var waitingWrites = 0
    /// Whether the terminal has the focus. Until it reports, the user is taken to be away: a
    /// terminal without focus reports gets every alert rather than none.
    public var focused = false
    public var attention = Attention()
    public var keys = KeyBindings.standard
    public var openPost = OpenPost(postId: 0)
    public var friendsScreen = FriendsScreen()
    /// How far the help screen is scrolled (View clamps it to what there is).
    public var helpOffset = 0
    /// Where the previous run left off, for the "new since you were last here" lines.
    public var lastVisit: LastVisit?
    /// What the user sent, oldest first, for ↑ in an empty compose field.
    public var sent: [String] = []
    /// Where the last frame drew what a click can hit; set by `View`.
    public var hitAreas = HitAreas()
    /// The pictures drawn so far and how; which the frame shows (`View`).
    public var pictures = PictureBoard()

    public init(me: UserSummary, now: Date = Date()) {
        self.me = me
        self.now = now
    }

    public var selected: Int { feedScroll.selected }

    public var selectedPost: Post? { posts.indices.contains(selected) ? posts[selected] : nil }

    /// The post the post view shows, while it is in the feed.
    public var shownPost: Post? { posts.first { $0.id == openPost.postId } }

    /// Posts with likes or comments the user has not read: marked in the feed, `u` goes to them.
    public var unreadPostIds: Set<Int64> {
        Set(
            notifications.filter { !$0.read && ($0.event.type == .like || $0.event.type == .comment) }.compactMap(
                \.event.postId))
    }

    /// Rows between the header (title and rule) and the footer (keys or input, and messages);
    /// a compose field of several lines takes some of them.
    /// The names of the friends the friends screen last loaded, by id.
    var friendNames: [String: String] {
        Dictionary(friendsScreen.lists.friends.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    public var bodyRows: Int { max(1, rows - 4 - max(0, composeRows - 1)) }
}
