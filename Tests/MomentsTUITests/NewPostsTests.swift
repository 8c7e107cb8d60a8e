import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("live new posts: waiting above the feed until the user goes to the top")
struct NewPostsTests {
    func announced(_ id: Int64, post: Int64, by actor: UserSummary = bob, _ text: String) -> Event {
        Event(
            id: id, type: .post, actor: actor, postId: post, postExcerpt: text, text: text, createdAt: t0, unread: 0)
    }

    @Test("a friend's post waits on the rule as '1 new post ↑ g'; g puts it at the top, once")
    func arrives() {
        var s = state()
        _ = s.update(.key(.down))
        #expect(s.update(.push(.event(announced(20, post: 9, "新帖子来了")))) == [])
        _ = s.update(.push(.event(announced(20, post: 9, "新帖子来了"))))  // a replay changes nothing
        #expect(s.newPosts.map(\.id) == [9])
        #expect(s.posts.map(\.id) == [3, 2, 1])
        #expect(render(s).text(1).contains("1 new post ↑ g"))
        #expect(s.notifications.isEmpty && s.message == nil && s.unread == 0)
        _ = s.update(.key(.character("g")))
        #expect(s.posts.map(\.id) == [9, 3, 2, 1])
        #expect(s.selected == 0)
        #expect(s.newPosts.isEmpty)
        #expect(!render(s).text(1).contains("new post"))
        #expect(render(s).plainText.contains("┃ 新帖子来了"))
        _ = s.update(.push(.event(announced(21, post: 9, "新帖子来了"))))
        #expect(s.posts.filter { $0.id == 9 }.count == 1 && s.newPosts.isEmpty)
    }

    @Test("↑ on the first post shows them too; a reload that brings them clears the line")
    func upAndReload() {
        var s = state()
        _ = s.update(.push(.event(announced(20, post: 9, "one"))))
        _ = s.update(.push(.event(announced(21, post: 10, "two"))))
        #expect(render(s).text(1).contains("2 new posts ↑"))
        _ = s.update(.key(.up))
        #expect(s.posts.map(\.id) == [10, 9, 3, 2, 1])

        _ = s.update(.push(.event(announced(22, post: 11, "three"))))
        _ = s.update(.feedLoaded(.success(FeedPage(posts: [post(11), post(10)], nextBefore: nil)), appending: false))
        #expect(s.newPosts.isEmpty)
    }
}
