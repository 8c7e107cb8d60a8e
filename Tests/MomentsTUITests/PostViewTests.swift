import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

/// A post by bob with `count` comments, "comment 1" … "comment N", alternating carol and alice.
func commented(_ id: Int64, count: Int) -> Post {
    var post = post(id, by: bob, "bob's long thread", likers: [alice, carol])
    post.comments = (1...count).map {
        Comment(
            id: id * 1000 + Int64($0), postId: id, author: $0 % 2 == 0 ? alice : carol, text: "comment \($0)",
            createdAt: t0)
    }
    return post
}

@Suite("post view: one post with every liker and comment")
struct PostViewTests {
    @Test("the feed shows the latest three comments and how many more there are")
    func feedTruncates() {
        let text = render(state(posts: [commented(5, count: 30), post(4)])).plainText
        #expect(text.contains("… 27 more"))
        #expect(!text.contains("comment 27"))
        #expect(text.contains("Alice: comment 28") && text.contains("Carol: comment 29") && text.contains("comment 30"))
    }

    @Test("Enter opens the selected post alone; G reaches the last comment; Esc goes back to the same place")
    func openAndScroll() {
        var s = state(posts: [post(6), commented(5, count: 30), post(4, "another post")])
        _ = s.update(.key(.down))
        _ = s.update(.key(.enter))
        #expect(s.panel == .post)
        #expect(s.openPost.postId == 5)
        var screen = render(s).plainText
        #expect(screen.contains("bob's long thread"))
        #expect(screen.contains("liked by Alice, Carol"))
        #expect(screen.contains("30 comments"))
        #expect(screen.contains("Carol: comment 1"))
        #expect(!screen.contains("another post"))

        _ = s.update(.key(.character("G")))
        #expect(s.openPost.selectedComment == 29)
        screen = render(s).plainText
        #expect(screen.contains("┃   Alice: comment 30"))
        #expect(!screen.contains("comment 1\n"))
        #expect(!screen.contains("another post"))

        _ = s.update(.key(.character("g")))
        #expect(s.openPost.selectedComment == nil)
        _ = s.update(.key(.down))
        _ = s.update(.key(.escape))
        #expect(s.panel == .feed)
        #expect(s.selected == 1)
    }

    @Test("the page keys move by what the last frame showed")
    func pageKeys() {
        var s = state(posts: [commented(5, count: 30)])
        _ = s.update(.key(.enter))
        var copy = s
        _ = View.render(&copy)
        s = copy
        _ = s.update(.key(.pageDown))
        let page = s.openPost.scroll.selected
        #expect(page > 5 && page < 30)
        _ = s.update(.key(.pageUp))
        #expect(s.openPost.scroll.selected < page)
    }

    @Test("l likes the open post; c comments on it; R replies to the selected comment, naming whom it answers")
    func actions() {
        var s = state(posts: [commented(5, count: 3)])
        _ = s.update(.key(.enter))
        #expect(s.update(.key(.character("l"))) == [.unlike(postId: 5)])  // alice had liked it
        _ = s.update(.likeSettled(postId: 5, .success(commented(5, count: 3))))

        _ = s.update(.key(.character("c")))
        #expect(s.compose?.purpose == .comment(postId: 5, author: "Bob"))
        #expect(s.compose?.editor.text == "")
        _ = s.update(.key(.escape))
        #expect(s.panel == .post)  // Esc closes the editor first

        _ = s.update(.key(.down))
        _ = s.update(.key(.down))
        let answered = s.posts[0].comments[1]
        _ = s.update(.key(.character("R")))
        #expect(
            s.compose?.purpose
                == .comment(postId: 5, author: "Bob", replyTo: ReplyTo(commentId: answered.id, user: answered.author)))
        #expect(s.compose?.editor.text == "")
        #expect(render(s).plainText.contains("Reply to \(answered.author.name) ›"))
        for character in "好" { _ = s.update(.key(.character(character))) }
        let effects = s.update(.key(.enter))
        #expect(effects == [.comment(postId: 5, text: "好", placeholderId: -1, replyTo: answered.id)])
        #expect(render(s).plainText.contains("Alice → \(answered.author.name): 好"))
    }

    @Test("a post that left the feed closes the view on the next key")
    func goneAway() {
        var s = state(posts: [commented(5, count: 2), post(4)])
        _ = s.update(.key(.enter))
        _ = s.update(.feedLoaded(.success(FeedPage(posts: [post(4)], nextBefore: nil)), appending: false))
        #expect(render(s).plainText.contains("no longer in the feed"))
        _ = s.update(.key(.down))
        #expect(s.panel == .feed)
    }

    @Test("Enter on a notification opens its post")
    func fromNotification() {
        var s = state(posts: [post(3), post(2, by: bob, "bob's"), post(1)])
        _ = s.update(
            .notificationsLoaded(
                .success(
                    NotificationPage(
                        notifications: [
                            NotificationEntry(event: event(9, .comment, post: 1, text: "hi", unread: 1), read: false)
                        ],
                        unread: 1, cursor: 9))))
        _ = s.update(.key(.character("n")))
        _ = s.update(grouped(s.notifications))
        _ = s.update(.key(.enter))
        #expect(s.panel == .post)
        #expect(s.openPost.postId == 1)
        #expect(s.selected == 2)
    }
}
