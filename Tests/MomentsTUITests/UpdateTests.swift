import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("update: state changes and effects")
struct UpdateTests {
    @Test("l likes at once, asks the server, and settles with its answer")
    func optimisticLike() {
        var s = state()
        let effects = s.update(.key(.character("l")))
        #expect(effects == [.like(postId: 3)])
        #expect(s.posts[0].likedByMe)
        #expect(s.posts[0].likeCount == 1)
        #expect(s.posts[0].likers == [alice])
        // A second press while the first is in flight does nothing.
        #expect(s.update(.key(.character("l"))) == [])
        var answer = post(3, likers: [carol, alice])
        answer.likedByMe = true
        _ = s.update(.likeSettled(postId: 3, .success(answer)))
        #expect(s.posts[0].likers == [carol, alice])
        #expect(s.update(.key(.character("l"))) == [.unlike(postId: 3)])
    }

    @Test("a failed like rolls back and says why")
    func likeRollback() {
        var s = state()
        _ = s.update(.key(.character("l")))
        _ = s.update(.likeSettled(postId: 3, .failure("server down")))
        #expect(!s.posts[0].likedByMe)
        #expect(s.posts[0].likeCount == 0)
        #expect(s.messageIsError == true)
        #expect(s.messageText?.contains("server down") == true)
    }

    @Test("c opens the editor; typed UTF-8 with cursor editing is sent on Enter, shown at once")
    func commentEditing() {
        var s = state()
        _ = s.update(.key(.character("j")))
        _ = s.update(.key(.character("c")))
        #expect(s.compose?.purpose == .comment(postId: 2, author: "Bob"))
        for character in "你好x" { _ = s.update(.key(.character(character))) }
        _ = s.update(.key(.backspace))
        _ = s.update(.key(.home))
        _ = s.update(.key(.character("!")))
        _ = s.update(.key(.end))
        #expect(s.compose!.editor.text == "!你好")
        let effects = s.update(.key(.enter))
        #expect(s.compose == nil)
        #expect(effects == [.comment(postId: 2, text: "!你好", placeholderId: -1)])
        #expect(s.posts[1].comments.map(\.text) == ["!你好"])

        let saved = Comment(id: 77, postId: 2, author: alice, text: "!你好", createdAt: t0)
        _ = s.update(.commentSettled(placeholderId: -1, postId: 2, .success(saved)))
        #expect(s.posts[1].comments == [saved])
    }

    @Test("Esc cancels the editor; a failed comment disappears with an error")
    func commentCancelAndFailure() {
        var s = state()
        _ = s.update(.key(.character("c")))
        _ = s.update(.key(.character("x")))
        #expect(s.update(.key(.escape)) == [])
        #expect(s.compose == nil)
        _ = s.update(.key(.character("c")))
        _ = s.update(.key(.character("y")))
        _ = s.update(.key(.enter))
        _ = s.update(.commentSettled(placeholderId: -1, postId: 3, .failure("nope")))
        #expect(s.posts[0].comments.isEmpty)
        #expect(s.messageIsError == true)
    }

    @Test("a pushed like updates the post in place, the badge and the message line")
    func pushedLike() {
        var s = state(unread: 2)
        _ = s.update(.push(.event(event(10, .like, post: 3, unread: 3))))
        #expect(s.unread == 3)
        #expect(s.posts[0].likers == [bob])
        #expect(s.posts[0].likeCount == 1)
        #expect(s.messageText == "Bob liked your post “post”")
        #expect(s.notifications.first?.id == 10)
        _ = s.update(.push(.event(event(11, .unlike, post: 3, unread: 2))))
        #expect(s.posts[0].likeCount == 0)
        _ = s.update(.push(.event(event(12, .comment, by: carol, post: 1, text: "好", unread: 3))))
        #expect(s.posts[2].comments.map(\.text) == ["好"])
        // The same comment again (a replay) is not added twice.
        _ = s.update(.push(.event(event(12, .comment, by: carol, post: 1, text: "好", unread: 3))))
        #expect(s.posts[2].comments.count == 1)
        #expect(s.notifications.filter { $0.id == 12 }.count == 1)
    }

    @Test("n loads notifications, marks them read on the server and clears the badge")
    func notificationsPanel() {
        var s = state(unread: 2)
        #expect(s.update(.key(.character("n"))) == [.loadNotifications, .loadNotificationGroups])
        let page = NotificationPage(
            notifications: [
                NotificationEntry(event: event(9, .comment, post: 3, text: "hi", unread: 2), read: false),
                NotificationEntry(event: event(8, .like, post: 3, unread: 1), read: false),
            ], unread: 2, cursor: 9)
        #expect(s.update(.notificationsLoaded(.success(page))) == [.markRead(upTo: 9)])
        #expect(s.unread == 0)
        #expect(s.notifications.allSatisfy { !$0.read })  // still marked new while the panel is open
        _ = s.update(.markedRead(.success(0)))
        _ = s.update(.key(.escape))
        #expect(s.panel == .feed)
        #expect(s.notifications.allSatisfy { $0.read })
    }

    @Test("selection moves with j/k and keeps the selected post on screen")
    func scrolling() {
        let many = (1...30).reversed().map { post(Int64($0), "post number \($0)") }
        var s = state(posts: many)
        for _ in 0..<12 { _ = s.update(.key(.down)) }
        #expect(s.selected == 12)
        _ = View.render(&s)
        let height = FeedLayout.lines(for: many[0], width: 80, marks: .init(), now: t0).count
        #expect(s.feedScroll.offset <= 12 * height)
        #expect(s.feedScroll.offset + s.bodyRows >= 13 * height)
        _ = s.update(.key(.home))
        #expect(s.selected == 0)
        _ = View.render(&s)
        #expect(s.feedScroll.offset == 0)
        _ = s.update(.key(.pageDown))
        #expect(s.selected > 1)
    }

    @Test("q and Ctrl-C quit; a rejected token shows in the state")
    func quitAndToken() {
        var s = state()
        #expect(s.update(.key(.character("q"))) == [.quit])
        #expect(s.update(.key(.interrupt)) == [.quit])
        #expect(s.update(.terminate) == [.quit])
        _ = s.update(.push(.state(.tokenRejected)))
        #expect(s.connection == .tokenRejected)
        #expect(s.messageIsError == true)
        _ = s.update(.push(.state(.untrusted("TLS: certificate not trusted for example.com (expired)"))))
        #expect(s.messageText == "TLS: certificate not trusted for example.com (expired)")
        #expect(s.messageIsError == true)
    }

    @Test("reaching the last post asks for older ones once")
    func loadMore() {
        var s = state()
        _ = s.update(.feedLoaded(.success(FeedPage(posts: [post(3), post(2)], nextBefore: 2)), appending: false))
        #expect(s.update(.key(.down)) == [.loadFeed(before: 2)])
        #expect(s.update(.key(.down)) == [])
        _ = s.update(.feedLoaded(.success(FeedPage(posts: [post(1)], nextBefore: nil)), appending: true))
        #expect(s.posts.map(\.id) == [3, 2, 1])
    }

    @Test("while composing, q is text and Ctrl-C cancels; a signal still quits")
    func quitWhileComposing() {
        var s = state()
        _ = s.update(.key(.character("p")))
        #expect(s.update(.key(.character("q"))) == [])
        #expect(s.compose?.editor.text == "q")
        #expect(s.update(.key(.interrupt)) == [])
        #expect(s.compose == nil)
        _ = s.update(.key(.character("p")))
        #expect(s.update(.terminate) == [.quit])
    }

    @Test("r reloads; the message line says so until the feed arrives, then the flag clears")
    func refresh() {
        var s = state()
        _ = s.update(.push(.event(event(10, .like, post: 3, unread: 1))))
        #expect(s.update(.key(.character("r"))) == [.loadFeed(before: nil), .loadNotifications])
        #expect(s.refreshing)
        #expect(s.message == nil)
        #expect(render(s).text(23).hasPrefix(" Refreshing…"))
        _ = s.update(.feedLoaded(.success(FeedPage(posts: [post(4), post(3)], nextBefore: nil)), appending: false))
        #expect(!s.refreshing)
        #expect(render(s).text(23).replacingTrailingSpaces().isEmpty)
        #expect(s.posts.map(\.id) == [4, 3])
        #expect(s.selectedPost?.id == 3)  // the selection follows its post

        _ = s.update(.key(.character("r")))
        _ = s.update(.feedLoaded(.failure("offline"), appending: false))
        #expect(!s.refreshing)
        #expect(s.messageText == "Could not load the feed: offline")
        #expect(s.messageIsError == true)
    }

    @Test("a new post goes to the top and is selected")
    func newPost() {
        var s = state()
        _ = s.update(.key(.character("j")))
        _ = s.update(.key(.character("p")))
        for character in "  hi  " { _ = s.update(.key(.character(character))) }
        #expect(s.update(.key(.enter)) == [.createPost(text: "hi")])
        #expect(s.messageText == "Posting…")
        _ = s.update(.postSettled(.success(post(9, "hi"))))
        #expect(s.posts.first?.id == 9)
        #expect(s.selected == 0)
        #expect(s.messageText == "Posted.")
        #expect(s.messageIsError == false)
    }
}
