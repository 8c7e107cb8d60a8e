import Foundation
import MomentsCore
import NIOCore
import Testing

@testable import MomentsServer

@Suite("PostJSON: posts, comments and feed pages written by hand")
struct PostJSONTests {
    static let date = Date(timeIntervalSince1970: 1_795_747_532.437)
    static let bob = UserSummary(id: "bob", name: "Bob \"B\" </script>")
    static let comment = Comment(
        id: 9, postId: 5, author: bob, text: "我要来！\n\\ back/slash\t\u{1} 🥟", createdAt: Date(timeIntervalSince1970: 0))
    static let posts = [
        Post(id: 5, author: UserSummary(id: "alice", name: "Alice"), text: "今天包了饺子", createdAt: date),
        Post(
            id: 6, author: bob, text: "\u{2028}x", createdAt: date, likeCount: 2,
            likers: [bob, UserSummary(id: "carol", name: "")], likedByMe: true, comments: [comment, comment]),
        Post(
            id: 7, author: bob, text: "x", createdAt: date, comments: [comment], commentCount: 12,
            audience: .only(["carol", "d\"ave"]), audienceLimited: true),
        Post(id: 8, author: bob, text: "y", createdAt: date, audience: .except([]), audienceLimited: true),
        Post(id: 9, author: bob, text: "z", createdAt: date, audience: .onlyMe, audienceLimited: true),
        Post(id: 10, author: bob, text: "z", createdAt: date, audience: .friends),
        Post(id: 11, author: bob, text: "z", createdAt: date, audienceLimited: true),
        Post(
            id: 12, author: bob, text: "", createdAt: date,
            media: [
                PostMedia(id: "0123456789abcdef0123456789abcdef", alt: "饺子 \"steaming\"", width: 4032, height: 3024),
                PostMedia(id: "fedcba9876543210fedcba9876543210", alt: "", width: 1, height: 1),
            ]),
    ]
    /// Addresses signed for a viewer whose id needs escaping in a query.
    static let links = MediaLinks(
        signer: MediaSigner(secret: Array(repeating: 7, count: 32)), viewer: "d&ve", now: date)

    /// What the hand-written JSON must equal: the post with its pictures' addresses signed.
    static func signed(_ post: Post) -> Post {
        var post = post
        post.media = post.media.map(links.signed)
        return post
    }

    static func written(_ write: (inout ByteBuffer) -> Void) -> String {
        var out = ByteBuffer()
        write(&out)
        return String(buffer: out)
    }

    @Test("byte for byte what JSONEncoder with the wire settings writes")
    func sameBytes() throws {
        #expect(Self.signed(Self.posts.last!).media[0].thumbUrl?.contains("u=d%26ve&") == true)
        let encoder = WireCoding.makeEncoder()
        for post in Self.posts {
            #expect(
                Self.written { PostJSON.write(post, links: Self.links, to: &$0) }
                    == String(decoding: try encoder.encode(Self.signed(post)), as: UTF8.self))
        }
        #expect(
            Self.written { PostJSON.write(Self.comment, to: &$0) }
                == String(decoding: try encoder.encode(Self.comment), as: UTF8.self))
        for page in [FeedPage(posts: Self.posts, nextBefore: 5), FeedPage(posts: [], nextBefore: nil)] {
            #expect(
                Self.written { PostJSON.write(page, links: Self.links, to: &$0) }
                    == String(
                        decoding: try encoder.encode(
                            FeedPage(posts: page.posts.map(Self.signed), nextBefore: page.nextBefore)),
                        as: UTF8.self))
        }
    }
}
