import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("mouse: the wheel, clicks on posts, comments, notifications and the badge")
struct MouseTests {
    /// The state after a frame was drawn, so its hit areas are known.
    func drawn(_ s: AppState) -> AppState {
        var copy = s
        _ = View.render(&copy)
        return copy
    }

    @Test("a click on a post's lines selects it; the wheel moves the selection")
    func feed() throws {
        var s = drawn(state())
        let screen = render(s)
        let row = try #require((0..<screen.rows).first { screen.text($0).contains("bob's") })
        _ = s.update(.mouse(MouseEvent(.click, row: row, column: 10)))
        #expect(s.selected == 1)
        _ = s.update(.mouse(MouseEvent(.wheelDown, row: 5, column: 0)))
        #expect(s.selected == 2)
        _ = s.update(.mouse(MouseEvent(.wheelUp, row: 5, column: 0)))
        #expect(s.selected == 1)
        // Below the last post: nothing.
        s = drawn(s)
        _ = s.update(.mouse(MouseEvent(.click, row: 21, column: 0)))
        #expect(s.selected == 1)
    }

    @Test("a click on the badge opens the notifications; a click there selects one")
    func badge() throws {
        var s = state(unread: 3)
        let entries = [
            NotificationEntry(event: event(2, .like, post: 1, unread: 2), read: false),
            NotificationEntry(event: event(1, .like, post: 3, unread: 1), read: false),
        ]
        _ = s.update(.notificationsLoaded(.success(NotificationPage(notifications: entries, unread: 3, cursor: 2))))
        _ = s.update(grouped(entries))
        s = drawn(s)
        let header = render(s).text(0)
        let column = try #require(header.firstRange(of: "● 3")).lowerBound.utf16Offset(in: header)
        _ = s.update(.mouse(MouseEvent(.click, row: 0, column: 10)))
        #expect(s.panel == .feed)  // the title is no badge
        #expect(
            s.update(.mouse(MouseEvent(.click, row: 0, column: column))) == [
                .loadNotifications, .loadNotificationGroups,
            ])
        #expect(s.panel == .notifications)
        s = drawn(s)
        _ = s.update(.mouse(MouseEvent(.click, row: 4, column: 5)))
        #expect(s.notificationSelected == 1)
    }

    @Test("in a post's view a click selects a comment; while composing the mouse does nothing")
    func postView() throws {
        var s = state(posts: [commented(5, count: 4)])
        _ = s.update(.key(.enter))
        s = drawn(s)
        let screen = render(s)
        let row = try #require((0..<screen.rows).first { screen.text($0).contains("comment 3") })
        _ = s.update(.mouse(MouseEvent(.click, row: row, column: 4)))
        #expect(s.openPost.selectedComment == 2)
        _ = s.update(.key(.character("c")))
        _ = s.update(.mouse(MouseEvent(.wheelUp, row: row, column: 4)))
        #expect(s.openPost.selectedComment == 2)
    }
}
