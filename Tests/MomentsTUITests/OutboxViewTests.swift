import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("writes in the outbox, as the user sees them")
struct OutboxViewTests {
    @Test("a comment waiting for the server is dimmed and says sending…; the header counts what waits")
    func waiting() {
        var s = state()
        _ = s.update(.key(.character("c")))
        for character in "在路上" { _ = s.update(.key(.character(character))) }
        _ = s.update(.key(.enter))
        _ = s.update(.outboxWaiting(count: 1, offline: true))
        let screen = render(s)
        #expect(screen.text(0).contains("⇡ 1 waiting"))
        let row = try! #require((0..<screen.rows).first { screen.text($0).contains("Alice: 在路上") })
        #expect(screen.text(row).contains("sending…"))
        #expect(screen.lines[row].contains { $0.text == "在路上" && $0.style.dim })
        // Answered: stored, and nothing waits.
        _ = s.update(
            .commentSettled(
                placeholderId: -1, postId: 3,
                .success(Comment(id: 9, postId: 3, author: alice, text: "在路上", createdAt: t0))))
        _ = s.update(.outboxWaiting(count: 0, offline: false))
        let after = render(s)
        #expect(!after.text(0).contains("waiting"))
        #expect(!after.plainText.contains("sending…"))
        #expect(after.plainText.contains("Alice: 在路上"))
    }

    @Test("a like waiting for the server says sending… beside its heart until answered")
    func likeWaiting() {
        var s = state()
        #expect(s.update(.key(.character("l"))) == [.like(postId: 3)])
        let row = try! #require(render(s).plainText.split(separator: "\n").first { $0.contains("♥ 1") })
        #expect(row.contains("Alice") && row.contains("sending…"))
        _ = s.update(.likeSettled(postId: 3, .success(post(3, likers: [alice]))))
        #expect(!render(s).plainText.contains("sending…"))
    }

    @Test("a refused comment stays, says why, and t sends it again or x lets it go")
    func refused() {
        var s = state()
        _ = s.update(.key(.character("c")))
        _ = s.update(.key(.character("x")))
        _ = s.update(.key(.enter))
        _ = s.update(.commentRefused(placeholderId: -1, postId: 3, reason: "text too long"))
        #expect(render(s).plainText.contains("✕ not sent: text too long — t send again · x let go"))
        #expect(s.messageText == "Comment failed: text too long")
        #expect(s.update(.key(.character("t"))) == [.retryComment(placeholderId: -1, postId: 3, text: "x")])
        #expect(!render(s).plainText.contains("not sent"))
        #expect(render(s).plainText.contains("sending…"))
        _ = s.update(.commentRefused(placeholderId: -1, postId: 3, reason: "text too long"))
        #expect(s.update(.key(.character("x"))) == [.discardComment(placeholderId: -1)])
        #expect(!render(s).plainText.contains("Alice: x"))
    }

    @Test("a refused post goes back into the editor, so nothing typed is lost")
    func refusedPost() {
        var s = state()
        _ = s.update(.postRefused(text: "我的长文", reason: "text too long"))
        #expect(s.compose?.purpose == .post)
        #expect(s.compose?.editor.text == "我的长文")
        #expect(s.messageText == "Post failed: text too long")
    }

    @Test("what an earlier run left in the outbox shows as waiting again: the like, the comment, a refusal")
    func restored() {
        var s = state()
        let effects = s.update(
            .restored([
                OutboxEntry(id: "k1", write: .like(postId: 2)),
                OutboxEntry(id: "k2", write: .comment(postId: 2, text: "离线评论")),
                OutboxEntry(id: "k3", write: .comment(postId: 1, text: "too long"), refusal: "text too long"),
                OutboxEntry(id: "k4", write: .like(postId: 99)),
                OutboxEntry(id: "k6", write: .comment(postId: 99, text: "its post is not on screen")),
                OutboxEntry(id: "k7", write: .comment(postId: 99, text: "refused, unseen"), refusal: "no"),
                OutboxEntry(id: "k8", write: .like(postId: 3), refusal: "no"),
            ]))
        #expect(
            effects == [
                .adopt(id: "k2", placeholderId: -1, postId: 2), .adopt(id: "k3", placeholderId: -2, postId: 1),
                .adopt(id: "k6", placeholderId: 0, postId: 99), .letGo(id: "k7"), .letGo(id: "k8"),
            ])
        #expect(!s.posts[0].likedByMe)
        #expect(s.posts[1].likedByMe && s.posts[1].likers.contains(alice))
        #expect(s.likeSnapshots[2] != nil)  // the server's answer settles it
        let text = render(s).plainText
        #expect(text.contains("Alice: 离线评论  sending…"))
        #expect(text.contains("✕ not sent: text too long"))
        // A like already shown as given is not toggled back.
        #expect(s.update(.restored([OutboxEntry(id: "k5", write: .like(postId: 2))])) == [])
        #expect(s.posts[1].likedByMe)
    }

    @Test("a refresh keeps the user's comments that are still on their way")
    func refreshKeepsWaiting() {
        var s = state()
        _ = s.update(.key(.character("c")))
        _ = s.update(.key(.character("z")))
        _ = s.update(.key(.enter))
        _ = s.update(
            .feedLoaded(
                .success(FeedPage(posts: [post(3), post(2, by: bob, "bob's")], nextBefore: nil)), appending: false))
        #expect(s.posts[0].comments.map(\.text) == ["z"])
    }
}
