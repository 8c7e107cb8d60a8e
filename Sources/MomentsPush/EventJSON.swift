import MomentsCore
import MomentsStore
import NIOCore

/// An event's wire JSON, written straight into a buffer. The push path encodes every event it
/// delivers (a broadcast, one per recipient), and `JSONEncoder` took ~8% of the server's CPU at
/// 2,000 messages a second, on the store's single writer thread. Same output as
/// `WireCoding.makeEncoder()`: sorted keys, snake_case, ISO 8601 UTC with milliseconds, absent
/// optionals omitted, slashes unescaped (EventJSONTests compares the two).
package enum EventJSON {
    /// A `custom` event's data, JSON text, is written as it is (the publish route checked it
    /// and took the whitespace out); an event of a type this build does not know, under its
    /// own name.
    package static func encode(_ event: StoredEvent) -> ByteBuffer {
        var out = ByteBuffer()
        out.reserveCapacity(256)
        write(event, to: &out)
        return out
    }

    /// The same, into `out`; with `withRead`, the notifications list's `read` field at its
    /// sorted place.
    package static func write(_ event: StoredEvent, withRead: Bool = false, to out: inout ByteBuffer) {
        out.writeStaticString("{")
        // An ended friendship names the other side as `user`: nobody acted on the recipient.
        let otherSide = event.kind == .known(.unfriended)
        if let actor = event.actor, !otherSide {
            out.writeStaticString(#""actor":"#)
            out.writeJSONUser(actor)
            out.writeStaticString(",")
        }
        if let commentId = event.commentId {
            out.writeStaticString(#""comment_id":"#)
            out.writeString(String(commentId))
            out.writeStaticString(",")
        }
        out.writeStaticString(#""created_at":""#)
        out.writeJSONDate(event.createdAt)
        out.writeStaticString(#"","#)
        if let data = event.data {
            out.writeStaticString(#""data":"#)
            out.writeString(data)
            out.writeStaticString(",")
        }
        out.writeStaticString(#""id":"#)
        out.writeString(String(event.id))
        if let excerpt = event.postExcerpt {
            out.writeStaticString(#","post_excerpt":"#)
            out.writeJSONString(excerpt)
        }
        if let postId = event.postId {
            out.writeStaticString(#","post_id":"#)
            out.writeString(String(postId))
        }
        if withRead {
            out.writeStaticString(event.read ? #","read":true"# : #","read":false"#)
        }
        if let replyTo = event.replyTo {
            out.writeStaticString(#","reply_to":"#)
            out.writeJSONReplyTo(replyTo)
        }
        if let requestId = event.requestId {
            out.writeStaticString(#","request_id":"#)
            out.writeString(String(requestId))
        }
        if let text = event.text {
            out.writeStaticString(#","text":"#)
            out.writeJSONString(text)
        }
        out.writeStaticString(#","type":"#)
        switch event.kind {
        case .known(let type):
            out.writeStaticString("\"")
            out.writeString(type.rawValue)
            out.writeStaticString("\"")
        case .unknown(let name):
            out.writeJSONString(name)  // as stored, by whichever node wrote it
        }
        out.writeStaticString(#","unread":"#)
        out.writeString(String(event.unread))
        if otherSide, let user = event.actor {
            out.writeStaticString(#","user":"#)
            out.writeJSONUser(user)
        }
        out.writeStaticString("}")
    }

    /// A stream's first frame, `{"cursor":…,"epoch":…,"type":"hello","unread":…,"user":{…}}`
    /// (with `"gap":true,"oldest":…` after the epoch when there is one): one per connect.
    package static func hello(user: UserSummary, unread: Int, start: StreamStart, epoch: String) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeStaticString(#"{"cursor":"#)
        out.writeString(String(start.cursor))
        out.writeStaticString(#","epoch":"#)
        out.writeJSONString(epoch)
        if start.gap {
            out.writeStaticString(#","gap":true,"oldest":"#)
            out.writeString(String(start.oldest ?? 0))
        }
        out.writeStaticString(#","type":"hello","unread":"#)
        out.writeString(String(unread))
        out.writeStaticString(#","user":"#)
        out.writeJSONUser(user)
        out.writeStaticString("}")
        return out
    }

    /// A poll's answer, `{"cursor":…,"epoch":…,"events":[…],"unread":…}` (with a gap,
    /// `"gap":true,"oldest":…` before `unread`), from events already encoded (a woken
    /// long-poll reuses the bytes the hub encoded).
    package static func pollAnswer(
        events: [ByteBuffer], cursor: Int64, unread: Int, start: StreamStart, epoch: String
    ) -> ByteBuffer {
        var out = ByteBuffer()
        out.writeStaticString(#"{"cursor":"#)
        out.writeString(String(cursor))
        out.writeStaticString(#","epoch":"#)
        out.writeJSONString(epoch)
        out.writeStaticString(#","events":"#)
        out.writeJSONArray(events) { out, event in out.writeImmutableBuffer(event) }
        if start.gap {
            out.writeStaticString(#","gap":true,"oldest":"#)
            out.writeString(String(start.oldest ?? 0))
        }
        out.writeStaticString(#","unread":"#)
        out.writeString(String(unread))
        out.writeStaticString("}")
        return out
    }

    /// `GET /api/notifications`' answer, `{"cursor":…,"notifications":[…],"unread":…}`, each
    /// entry an event with its `read` field: what `NotificationPage` decodes, with a custom
    /// event's data byte for byte as published.
    package static func writeNotifications(_ listing: NotificationListing, to out: inout ByteBuffer) {
        out.writeStaticString(#"{"cursor":"#)
        out.writeString(String(listing.position.cursor))
        out.writeStaticString(#","notifications":"#)
        out.writeJSONArray(listing.notifications) { out, event in write(event, withRead: true, to: &out) }
        out.writeStaticString(#","unread":"#)
        out.writeString(String(listing.position.unread))
        out.writeStaticString("}")
    }
}
