import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("unread: marks, next unread (u), and the line where the last visit ended")
struct UnreadTests {
    /// Alice's feed of posts 5…1 with unread events on posts 4 and 2 (and a read one on 3).
    func withUnread() -> AppState {
        var s = state(posts: (1...5).reversed().map { post(Int64($0), "post \($0)") })
        let entries = [
            NotificationEntry(event: event(12, .comment, post: 2, text: "hi", unread: 2), read: false),
            NotificationEntry(event: event(11, .like, post: 4, unread: 1), read: false),
            NotificationEntry(event: event(10, .like, post: 3, unread: 0), read: true),
        ]
        _ = s.update(.notificationsLoaded(.success(NotificationPage(notifications: entries, unread: 2, cursor: 12))))
        _ = s.update(grouped(entries))
        return s
    }

    @Test("posts with unread likes or comments are marked in the feed")
    func marks() {
        let s = withUnread()
        #expect(s.unreadPostIds == [4, 2])
        let lines = render(s).plainText.split(separator: "\n")
        #expect(lines.filter { $0.contains("● new") }.count == 2)
        #expect(lines.first { $0.contains("● new") }.map { $0.contains("Alice · 5m") } == true)
    }

    @Test("u selects the next unread post after the selection, wrapping round, and opens nothing")
    func next() {
        var s = withUnread()
        _ = s.update(.key(.character("u")))
        #expect(s.selectedPost?.id == 4)
        _ = s.update(.key(.character("u")))
        #expect(s.selectedPost?.id == 2)
        _ = s.update(.key(.character("u")))
        #expect(s.selectedPost?.id == 4)
        #expect(s.panel == .feed)
    }

    @Test("u with nothing unread says so; reading the notifications clears the marks")
    func nothing() {
        var s = withUnread()
        _ = s.update(.key(.character("n")))
        _ = s.update(.key(.escape))
        #expect(s.unreadPostIds.isEmpty)
        #expect(!render(s).plainText.contains("● new"))
        _ = s.update(.key(.character("u")))
        #expect(s.selected == 0)
        #expect(s.messageText == "No unread likes or comments.")
    }

    @Test("the feed and the notifications show a line above what the last visit had seen")
    func newSince() {
        var s = withUnread()
        s.lastVisit = LastVisit(postId: 3, eventId: 11)
        let feed = render(s).plainText.split(separator: "\n").map(String.init)
        let line = try! #require(feed.firstIndex { $0.contains("new since you were last here") })
        #expect(feed.firstIndex { $0.contains("post 4") }! < line)
        #expect(feed[(line + 1)...].first { !$0.isEmpty }?.contains("Alice · 5m") == true)
        #expect(feed[line + 2].contains("post 3"))

        _ = s.update(.key(.character("n")))
        let notifications = render(s).plainText.split(separator: "\n").map(String.init)
        let divider = try! #require(notifications.firstIndex { $0.contains("new since you were last here") })
        #expect(notifications[divider - 1].contains("Bob commented"))
        #expect(notifications[divider + 1].contains("Bob liked"))
    }

    @Test("no line when everything is new, or nothing is")
    func noLine() {
        var s = withUnread()
        s.lastVisit = LastVisit(postId: 5, eventId: 12)
        #expect(!render(s).plainText.contains("new since"))
        s.lastVisit = LastVisit(postId: 0, eventId: 0)
        #expect(!render(s).plainText.contains("new since"))
    }
}
