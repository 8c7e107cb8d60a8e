import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("deleting, replies, mentions and grouped notifications in the model")
struct DeleteTests {
    /// Alice's post 5 (a comment of bob's, one of hers) and bob's post 2 (carol's comment on it).
    func thread() -> AppState {
        var mine = post(5, "alice's")
        mine.comments = [
            Comment(id: 51, postId: 5, author: bob, text: "bob on alice", createdAt: t0),
            Comment(id: 52, postId: 5, author: alice, text: "alice on alice", createdAt: t0),
        ]
        mine.commentCount = 2
        var bobs = post(2, by: bob, "bob's")
        bobs.comments = [Comment(id: 21, postId: 2, author: carol, text: "carol on bob", createdAt: t0)]
        bobs.commentCount = 1
        return state(posts: [mine, bobs])
    }

    @Test("d on a comment of one's own post asks first; y takes it off the screen and sends the delete")
    func deleteOnOwnPost() {
        var s = thread()
        _ = s.update(.key(.enter))
        _ = s.update(.key(.down))  // bob's comment, on alice's post
        #expect(s.update(.key(.character("d"))).isEmpty)
        #expect(s.confirmingDelete == .comment(postId: 5, commentId: 51))
        #expect(render(s).plainText.contains("Delete this comment? It is gone for everyone. y/n"))
        #expect(s.update(.key(.character("y"))) == [.deleteComment(postId: 5, commentId: 51)])
        #expect(s.posts[0].comments.map(\.id) == [52])
        #expect(!render(s).plainText.contains("bob on alice"))
    }

    @Test("any other key keeps it; d on someone else's comment on someone else's post is refused")
    func keepOrRefuse() {
        var s = thread()
        _ = s.update(.key(.enter))
        _ = s.update(.key(.down))
        _ = s.update(.key(.character("d")))
        #expect(s.update(.key(.character("n"))).isEmpty)
        #expect(s.posts[0].comments.count == 2 && s.confirmingDelete == nil)

        _ = s.update(.key(.escape))
        _ = s.update(.key(.down))  // bob's post
        _ = s.update(.key(.enter))
        _ = s.update(.key(.down))  // carol's comment on bob's post
        #expect(s.update(.key(.character("d"))).isEmpty)
        #expect(s.confirmingDelete == nil && s.messageIsError == true)
        _ = s.update(.key(.up))  // bob's post itself
        _ = s.update(.key(.character("d")))
        #expect(s.confirmingDelete == nil)
    }

    @Test("d on one's own post in the feed deletes it, its view closes")
    func deletePost() {
        var s = thread()
        _ = s.update(.key(.character("d")))
        #expect(render(s).plainText.contains("Delete this post, with its likes and comments?"))
        #expect(s.update(.key(.enter)) == [.deletePost(5)])
        #expect(s.posts.map(\.id) == [2] && s.selectedPost?.id == 2)
    }

    @Test("comment_deleted and post_deleted, live: gone from the feed, the open post and the notifications")
    func live() {
        var s = thread()
        let entries = [
            NotificationEntry(event: event(12, .comment, post: 5, text: "bob on alice", unread: 1), read: false)
        ]
        _ = s.update(.notificationsLoaded(.success(NotificationPage(notifications: entries, unread: 1, cursor: 12))))
        _ = s.update(grouped(entries))
        _ = s.update(.key(.enter))
        var deleted = event(13, .commentDeleted, post: 5, unread: 0)
        deleted.commentId = 1200
        s.posts[0].comments[0].id = 1200  // the comment the notification is about
        _ = s.update(.push(.event(deleted)))
        #expect(s.posts[0].comments.map(\.id) == [52] && s.posts[0].commentCount == 1)
        #expect(s.notifications.isEmpty && s.notificationGroups == [] && s.unread == 0)
        #expect(s.panel == .post)

        _ = s.update(.push(.event(event(14, .postDeleted, post: 5, unread: 0))))
        #expect(s.posts.map(\.id) == [2])
        #expect(s.panel == .feed, "the open post went away")
    }

    @Test("a comment queued for a post deleted meanwhile: the post goes, the refusal is said with its reason")
    func queuedOnDeletedPost() {
        var s = thread()
        _ = s.update(.key(.character("c")))
        for character in "来了" { _ = s.update(.key(.character(character))) }
        #expect(s.update(.key(.enter)) == [.comment(postId: 5, text: "来了", placeholderId: -1)])
        _ = s.update(.push(.event(event(30, .postDeleted, post: 5, unread: 0))))
        #expect(s.posts.map(\.id) == [2])
        _ = s.update(.commentRefused(placeholderId: -1, postId: 5, reason: "no post 5"))
        #expect(s.messageText == "Comment failed: no post 5" && s.messageIsError == true)
    }

    @Test("a reply names whom it answers, in the feed and the post view")
    func replyShown() {
        var s = thread()
        s.posts[0].comments.append(
            Comment(
                id: 53, postId: 5, author: carol, text: "好的", createdAt: t0,
                replyTo: ReplyTo(commentId: 51, user: bob)))
        #expect(render(s).plainText.contains("Carol → Bob: 好的"))
        var deleted = event(20, .commentDeleted, post: 5, unread: 0)
        deleted.commentId = 51
        _ = s.update(.push(.event(deleted)))
        #expect(s.posts[0].comments.last?.replyTo == ReplyTo(commentId: nil, user: bob), "the name stays")
    }

    @Test("@ while writing a post picks friends the audience admits; the post is sent with them")
    func mentions() {
        var s = thread()
        s.friendsScreen.lists = FriendsScreen.Lists(
            friends: [bob, carol], requests: FriendRequests(incoming: [], outgoing: []))
        _ = s.update(.key(.character("p")))
        for character in "饺子 " { _ = s.update(.key(.character(character))) }
        #expect(s.update(.key(.character("@"))) == [.loadFriends])
        #expect(render(s).plainText.contains("Remind whom of this post?"))
        _ = s.update(.key(.down))
        _ = s.update(.key(.character(" ")))  // carol
        _ = s.update(.key(.character("@")))
        #expect(s.compose?.mentions == ["carol"] && s.compose?.editor.text == "饺子 ")
        #expect(render(s).plainText.contains("New post (reminds Carol) ›"))
        #expect(s.update(.key(.enter)) == [.createPost(text: "饺子", audience: nil, mentions: ["carol"])])
    }

    @Test("a retraction of a comment not loaded reads the post again; one that was asked about closes the question")
    func unseenAndAsked() {
        var s = thread()
        var deleted = event(40, .commentDeleted, post: 5, unread: 0)
        deleted.commentId = 9999  // older than the three the feed has
        #expect(s.update(.push(.event(deleted))) == [.loadPost(5)])
        _ = s.update(.key(.character("d")))
        #expect(s.confirmingDelete == .post(5))
        _ = s.update(.push(.event(event(41, .postDeleted, post: 5, unread: 0))))
        #expect(s.confirmingDelete == nil, "nothing left to ask about")
        #expect(s.update(.key(.character("y"))).isEmpty)
    }

    @Test("the saved snapshot drops what was deleted, a pending like's copy of the post too")
    func snapshot() {
        var s = thread()
        #expect(s.update(.key(.character("l"))) == [.like(postId: 5)])  // its like not answered yet
        var deleted = event(42, .commentDeleted, post: 5, unread: 0)
        deleted.commentId = 51
        _ = s.update(.push(.event(deleted)))
        let saved = s.snapshot.feed.posts.flatMap(\.comments).map(\.text)
        #expect(saved == ["alice on alice", "carol on bob"])
        _ = s.update(.likeSettled(postId: 5, .failure("refused")))
        #expect(!render(s).plainText.contains("bob on alice"), "rolled back, not brought back")
    }

    @Test("@ picks friends at the start of a word; inside one (an address) it is typed")
    func atInsideAWord() {
        var s = thread()
        _ = s.update(.key(.character("p")))
        for character in "a@b" { _ = s.update(.key(.character(character))) }
        #expect(s.compose?.editor.text == "a@b" && s.compose?.mentionPicker == nil)
    }

    @Test("groups: an unlike or an ended friendship takes one person out of a group of likes")
    func groupsLoseOne() {
        var groups = [
            NotificationGroup(
                type: .like, postId: 3, postExcerpt: "post", actors: [carol, bob], count: 20, newestId: 9, unread: true),
            NotificationGroup(
                type: .comment, postId: 3, postExcerpt: "post", actors: [bob], count: 1, newestId: 8, unread: true),
        ]
        let dave = UserSummary(id: "dave", name: "Dave")
        groups = NotificationGroups.fold(groups, event(10, .unlike, by: dave, post: 3, unread: 0))
        #expect(groups[0].count == 19 && groups[0].actors == [carol, bob], "dave was one of the others")
        groups = NotificationGroups.without("bob", groups)
        #expect(groups.map(\.type) == [.like] && groups[0].count == 18 && groups[0].actors == [carol])
    }

    @Test("groups: a post's likes fold into one, a replay counts once, an unlike takes one out")
    func groups() {
        var groups = NotificationGroups.fold([], event(1, .like, by: bob, post: 3, unread: 1))
        groups = NotificationGroups.fold(groups, event(2, .comment, by: carol, post: 3, text: "hi", unread: 2))
        groups = NotificationGroups.fold(groups, event(3, .like, by: carol, post: 3, unread: 3))
        groups = NotificationGroups.fold(groups, event(3, .like, by: carol, post: 3, unread: 3))
        #expect(groups.map(\.type) == [.like, .comment])
        #expect(groups[0].count == 2 && groups[0].actors == [carol, bob] && groups[0].newestId == 3)
        #expect(View.sentence(for: groups[0]) == "Carol and Bob liked your post “post”")
        groups[0].count = 20
        #expect(View.sentence(for: groups[0]) == "Carol and 19 others liked your post “post”")
        groups[0].count = 2
        groups = NotificationGroups.fold(groups, event(4, .unlike, by: bob, post: 3, unread: 3))
        #expect(groups[0].count == 1 && View.sentence(for: groups[0]) == "Carol liked your post “post”")
        #expect(View.sentence(for: groups[1]) == "Carol commented: hi")
    }
}
