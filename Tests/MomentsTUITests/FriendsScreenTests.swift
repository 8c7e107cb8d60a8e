import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("friends: the screen, requests answered, a friendship ended after asking, and what goes off screen")
struct FriendsScreenTests {
    static let dave = UserSummary(id: "dave", name: "Dave")
    static let lists = FriendsScreen.Lists(
        friends: [bob, carol],
        requests: FriendRequests(
            incoming: [FriendRequest(id: 7, from: dave, note: "we met at the meetup", createdAt: t0)],
            outgoing: [FriendRequest(id: 8, to: UserSummary(id: "erin", name: "Erin"), note: "", createdAt: t0)]))

    static func onFriendsScreen() -> AppState {
        var s = state()
        #expect(s.update(.key(.character("f"))) == [.loadFriends])
        _ = s.update(.friendsLoaded(.success(lists)))
        return s
    }

    @Test("f opens the screen: requests to answer first, then those waiting, then the friends")
    func screen() {
        let s = Self.onFriendsScreen()
        #expect(s.panel == .friends)
        let text = render(s).plainText
        #expect(text.contains("Dave (@dave) asks to be your friend: we met at the meetup"))
        #expect(text.contains("asked Erin (@erin) — waiting"))
        #expect(text.contains("Bob @bob") && text.contains("Carol @carol"))
        #expect(text.contains("a accept") && text.contains("d decline"))
    }

    @Test("a and d answer the selected request; on a friend they say to select a request")
    func answers() {
        var s = Self.onFriendsScreen()
        #expect(s.update(.key(.character("a"))) == [.answerFriendRequest(id: 7, from: "Dave", accept: true)])
        #expect(s.update(.key(.character("d"))) == [.answerFriendRequest(id: 7, from: "Dave", accept: false)])
        _ = s.update(.key(.down))
        _ = s.update(.key(.down))
        #expect(s.update(.key(.character("a"))).isEmpty)
        #expect(s.messageIsError == true)
        #expect(s.update(.friendsChanged(.success(.befriended("Dave")))) == [.loadFriends, .loadFeed(before: nil)])
        #expect(s.messageText == "You and Dave are friends now.")
    }

    @Test("D on a friend asks first: y ends the friendship, any other key keeps it")
    func endAfterAsking() {
        var s = Self.onFriendsScreen()
        for _ in 0..<2 { _ = s.update(.key(.down)) }
        #expect(s.update(.key(.character("D"))).isEmpty)
        #expect(render(s).plainText.contains("End your friendship with Bob?"))
        #expect(s.update(.key(.character("n"))).isEmpty, "kept, and n does not open the notifications")
        #expect(s.panel == .friends && s.friendsScreen.confirmingEnd == nil)
        _ = s.update(.key(.character("D")))
        #expect(s.update(.key(.character("y"))) == [.unfriend(bob)])
    }

    @Test("+ asks someone: their id, then a note")
    func request() {
        var s = Self.onFriendsScreen()
        _ = s.update(.key(.character("+")))
        #expect(render(s).plainText.contains("Add friend (id, then a note) ›"))
        for character in "erin hello there" { _ = s.update(.key(.character(character))) }
        #expect(s.update(.key(.enter)) == [.requestFriend("erin", note: "hello there")])
        #expect(s.update(.friendsChanged(.failure("erin is already your friend"))).isEmpty)
        #expect(s.messageText == "Friends: erin is already your friend" && s.messageIsError == true)
    }

    @Test("unfriended takes the other's posts, likes and comments off the screen; post_hidden the post")
    func offTheScreen() {
        var thread = post(2, by: alice, "mine", likers: [bob, carol])
        thread.comments = [
            Comment(id: 21, postId: 2, author: bob, text: "from bob", createdAt: t0),
            Comment(id: 22, postId: 2, author: carol, text: "from carol", createdAt: t0),
        ]
        thread.commentCount = 2
        var s = state(posts: [post(3, by: bob, "bob's"), thread, post(1, by: carol, "carol's")])
        var ended = Event(
            id: 40, type: .unfriended, actor: nil, postId: nil, postExcerpt: nil, user: bob, createdAt: t0, unread: 0)
        ended.actor = nil
        #expect(s.update(.push(.event(ended))).isEmpty)
        #expect(s.posts.map(\.id) == [2, 1])
        #expect(s.posts[0].likers == [carol] && s.posts[0].comments.map(\.text) == ["from carol"])
        #expect(s.posts[0].commentCount == 1 && s.notifications.isEmpty, "never a notification")
        let hidden = Event(
            id: 41, type: .postHidden, actor: carol, postId: 1, postExcerpt: nil, createdAt: t0, unread: 0)
        _ = s.update(.push(.event(hidden)))
        #expect(s.posts.map(\.id) == [2])
    }

    @Test("a friend request is a notification with its note; an accepted one reloads the feed")
    func requestNotices() {
        var s = state()
        let asked = Event(
            id: 50, type: .friendRequest, actor: Self.dave, postId: nil, postExcerpt: nil, text: "hi",
            requestId: 7, createdAt: t0, unread: 1)
        _ = s.update(.push(.event(asked)))
        #expect(s.unread == 1 && s.notifications.first?.event.id == 50)
        #expect(View.sentence(for: asked) == "Dave asks to be your friend: hi")
        let accepted = Event(
            id: 51, type: .friendAccepted, actor: carol, postId: nil, postExcerpt: nil, requestId: 9, createdAt: t0,
            unread: 2)
        #expect(s.update(.push(.event(accepted))).contains(.loadFeed(before: nil)))
        #expect(View.sentence(for: accepted) == "Carol accepted your friend request")
    }
}

@Suite("audience: choosing who may see a new post")
struct AudiencePickerTests {
    static func writingPost() -> AppState {
        var s = state()
        _ = s.update(.friendsLoaded(.success(FriendsScreenTests.lists)))
        _ = s.update(.key(.character("p")))
        for character in "for bob" { _ = s.update(.key(.character(character))) }
        return s
    }

    @Test("Tab opens the picker; picking a friend makes it only them; Tab goes back; Enter sends it so")
    func onlyBob() {
        var s = Self.writingPost()
        #expect(s.update(.key(.tab)) == [.loadFriends])
        var text = render(s).plainText
        #expect(text.contains("Who may see this post?") && text.contains("(•) All friends") && text.contains("[ ] Bob"))
        for _ in 0..<4 { _ = s.update(.key(.down)) }
        _ = s.update(.key(.character(" ")))
        text = render(s).plainText
        #expect(text.contains("(•) Only …") && text.contains("[x] Bob"))
        _ = s.update(.key(.tab))
        #expect(render(s).plainText.contains("New post (only Bob) › for bob"))
        #expect(s.update(.key(.enter)) == [.createPost(text: "for bob", audience: .only(["bob"]))])
    }

    @Test("only me, and all but someone")
    func otherChoices() {
        var s = Self.writingPost()
        _ = s.update(.key(.tab))
        for _ in 0..<3 { _ = s.update(.key(.down)) }
        _ = s.update(.key(.enter))
        _ = s.update(.key(.escape))
        #expect(render(s).plainText.contains("New post (only me) ›"))
        _ = s.update(.key(.tab))
        _ = s.update(.key(.up))
        _ = s.update(.key(.character(" ")))  // all but …
        for _ in 0..<3 { _ = s.update(.key(.down)) }
        _ = s.update(.key(.character(" ")))  // carol
        _ = s.update(.key(.tab))
        #expect(s.update(.key(.enter)) == [.createPost(text: "for bob", audience: .except(["carol"]))])
    }

    @Test("all friends sends no audience; a limited post shows the mark")
    func plainAndMarked() {
        var s = Self.writingPost()
        #expect(s.update(.key(.enter)) == [.createPost(text: "for bob", audience: nil)])
        var limited = post(9, by: bob, "for a few")
        limited.audienceLimited = true
        #expect(render(state(posts: [limited])).plainText.contains("🔒 limited"))
    }
}

@Suite("post view: the whole post from the server")
struct PostLoadTests {
    @Test("opening a post asks for all of it; the answer fills in the comments the feed left out")
    func loadsWhole() {
        var first = commented(5, count: 30)
        let whole = first
        first.comments = Array(first.comments.suffix(3))
        first.commentCount = 30
        var s = state(posts: [first])
        #expect(render(s).plainText.contains("… 27 more"))
        #expect(s.update(.key(.enter)) == [.loadPost(5)])
        #expect(render(s).plainText.contains("30 comments"))
        _ = s.update(.postLoaded(postId: 5, .success(whole)))
        #expect(render(s).plainText.contains("Carol: comment 1"))
    }
}

@Suite("help: every key, scrolled when the terminal is short")
struct HelpTests {
    @Test("? lists every command; j scrolls to the last ones on 24 rows; another key closes it")
    func scrolls() {
        var s = state()
        _ = s.update(.key(.character("?")))
        var text = render(s).plainText
        #expect(text.contains("j/k: more") && text.contains("next post"))
        #expect(!text.contains("ctrl-w"))
        for _ in 0..<20 { _ = s.update(.key(.character("j"))) }
        text = render(s).plainText
        #expect(text.contains("ctrl-w") && text.contains("quit") && text.contains("while writing a post"))
        _ = s.update(.key(.character("x")))
        #expect(s.panel == .feed)
    }
}
