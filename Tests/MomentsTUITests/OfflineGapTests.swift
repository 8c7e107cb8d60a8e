import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("offline: the header says since when, and a line marks what arrived while away")
struct OfflineGapTests {
    func at(_ seconds: TimeInterval) -> Action { .tick(t0.addingTimeInterval(seconds)) }

    @Test("down for a while: 'offline since', then a line above what came meanwhile, in the feed and the notifications")
    func gap() {
        var s = state()
        _ = s.update(
            .notificationsLoaded(
                .success(
                    NotificationPage(
                        notifications: [NotificationEntry(event: event(5, .like, post: 3, unread: 1), read: false)],
                        unread: 1,
                        cursor: 5))))
        _ = s.update(.push(.state(.webSocket)))
        _ = s.update(at(60))
        _ = s.update(.push(.state(.reconnecting(at: t0.addingTimeInterval(62)))))
        #expect(render(s).text(0).contains("○ reconnecting in 2s"))
        _ = s.update(at(75))
        _ = s.update(.push(.state(.reconnecting(at: t0.addingTimeInterval(77)))))
        #expect(render(s).text(0).contains("○ offline since \(Dividers.clock(t0.addingTimeInterval(60)))"))

        _ = s.update(at(120))
        _ = s.update(.push(.state(.webSocket)))
        #expect(
            s.gap
                == OfflineGap(
                    from: t0.addingTimeInterval(60), to: t0.addingTimeInterval(120), lastEventId: 5, lastPostId: 3))
        // What the reload and the replay bring: two posts and two notifications newer than the drop.
        _ = s.update(
            .feedLoaded(
                .success(FeedPage(posts: [post(5), post(4), post(3), post(2)], nextBefore: nil)), appending: false))
        _ = s.update(.push(.event(event(6, .comment, post: 3, text: "a", unread: 2))))
        _ = s.update(.push(.event(event(7, .comment, post: 3, text: "b", unread: 3))))
        let words =
            "offline \(Dividers.clock(t0.addingTimeInterval(60)))–\(Dividers.clock(t0.addingTimeInterval(120))) · 2 new"
        let feed = render(s).plainText.split(separator: "\n").map(String.init)
        let line = try! #require(feed.firstIndex { $0.contains(words) })
        #expect(feed[line + 1].contains("┃ Alice · 7m") && feed[line + 2].contains("post"))  // post 3, still selected
        #expect(feed[..<line].filter { $0.contains("Alice · 7m") }.count == 2)  // posts 5 and 4 above it

        _ = s.update(.key(.character("n")))
        _ = s.update(grouped(s.notifications))
        let list = render(s).plainText.split(separator: "\n").map(String.init)
        let divider = try! #require(list.firstIndex { $0.contains(words) })
        #expect(list[divider - 1].contains("Bob commented: a") && list[divider + 1].contains("Bob liked"))
    }

    @Test("a short drop (a server restart) leaves no line")
    func blip() {
        var s = state()
        _ = s.update(.push(.state(.webSocket)))
        _ = s.update(.push(.state(.reconnecting(at: t0.addingTimeInterval(1)))))
        _ = s.update(at(3))
        _ = s.update(.push(.state(.webSocket)))
        #expect(s.gap == nil && s.outage == nil)
    }
}
