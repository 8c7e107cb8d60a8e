import Hummingbird
import MomentsCore
import MomentsPush
import NIOCore

/// Posts and comments written by hand, as events are: a like answers with its post (likers
/// and comments included), and `JSONEncoder` was ~5% of the server's CPU on the likes path.
/// Same bytes as `WireCoding.makeEncoder()` (PostJSONTests compares the two). Every post goes
/// out with its pictures' addresses signed for the viewer (`links`).
enum PostJSON {
    static func write(_ post: Post, links: MediaLinks, to out: inout ByteBuffer) {
        out.writeStaticString("{")
        if let audience = post.audience {
            out.writeStaticString(#""audience":"#)
            write(audience, to: &out)
            out.writeStaticString(",")
        }
        out.writeStaticString(post.audienceLimited ? #""audience_limited":true"# : #""audience_limited":false"#)
        out.writeStaticString(#","author":"#)
        out.writeJSONUser(post.author)
        out.writeStaticString(#","comment_count":"#)
        out.writeString(String(post.commentCount))
        out.writeStaticString(#","comments":"#)
        out.writeJSONArray(post.comments) { write($1, to: &$0) }
        out.writeStaticString(#","created_at":""#)
        out.writeJSONDate(post.createdAt)
        out.writeStaticString(#"","id":"#)
        out.writeString(String(post.id))
        out.writeStaticString(#","like_count":"#)
        out.writeString(String(post.likeCount))
        out.writeStaticString(post.likedByMe ? #","liked_by_me":true,"likers":"# : #","liked_by_me":false,"likers":"#)
        out.writeJSONArray(post.likers) { $0.writeJSONUser($1) }
        out.writeStaticString(#","media":"#)
        out.writeJSONArray(post.media) { write(links.signed($1), to: &$0) }
        out.writeStaticString(#","text":"#)
        out.writeJSONString(post.text)
        out.writeStaticString("}")
    }

    static func write(_ audience: Audience, to out: inout ByteBuffer) {
        switch audience {
        case .friends:
            out.writeStaticString("{}")
        case .only(let users), .except(let users):
            out.writeStaticString(audience.kind == "only" ? #"{"only":"# : #"{"except":"#)
            out.writeJSONArray(users) { $0.writeJSONString($1) }
            out.writeStaticString("}")
        case .onlyMe:
            out.writeStaticString(#"{"private":true}"#)
        }
    }

    static func write(_ media: PostMedia, to out: inout ByteBuffer) {
        out.writeStaticString(#"{"alt":"#)
        out.writeJSONString(media.alt)
        out.writeStaticString(#","height":"#)
        out.writeString(String(media.height))
        out.writeStaticString(#","id":"#)
        out.writeJSONString(media.id)
        if let large = media.largeUrl {
            out.writeStaticString(#","large_url":"#)
            out.writeJSONString(large)
        }
        if let thumb = media.thumbUrl {
            out.writeStaticString(#","thumb_url":"#)
            out.writeJSONString(thumb)
        }
        out.writeStaticString(#","width":"#)
        out.writeString(String(media.width))
        out.writeStaticString("}")
    }

    static func write(_ comment: Comment, to out: inout ByteBuffer) {
        out.writeStaticString(#"{"author":"#)
        out.writeJSONUser(comment.author)
        out.writeStaticString(#","created_at":""#)
        out.writeJSONDate(comment.createdAt)
        out.writeStaticString(#"","id":"#)
        out.writeString(String(comment.id))
        out.writeStaticString(#","post_id":"#)
        out.writeString(String(comment.postId))
        if let replyTo = comment.replyTo {
            out.writeStaticString(#","reply_to":"#)
            out.writeJSONReplyTo(replyTo)
        }
        out.writeStaticString(#","text":"#)
        out.writeJSONString(comment.text)
        out.writeStaticString("}")
    }

    static func write(_ page: FeedPage, links: MediaLinks, to out: inout ByteBuffer) {
        if let before = page.nextBefore {
            out.writeStaticString(#"{"next_before":"#)
            out.writeString(String(before))
            out.writeStaticString(#","posts":"#)
        } else {
            out.writeStaticString(#"{"posts":"#)
        }
        out.writeJSONArray(page.posts) { write($1, links: links, to: &$0) }
        out.writeStaticString("}")
    }

}

extension Response {
    /// A 200 with the JSON `write` puts in the body, under Hummingbird's JSON content type.
    static func json(_ write: (inout ByteBuffer) -> Void) -> Response {
        var body = ByteBuffer()
        body.reserveCapacity(512)
        write(&body)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }
}
