import Foundation
import Hummingbird
import MomentsCore
import NIOCore

/// `GET /api/iframe`: "forever iframe" streaming, the legacy method of the seed article, kept
/// because it is one of the four classic ways to push.
///
/// One HTML document that never ends: per event a `<script>parent.moments.push(EVENT)</script>`
/// the browser runs as it arrives. The page's own CSP allows only scripts carrying this
/// response's nonce, and the JSON is embedded so that no post text can leave its string.
struct IframeTransport {
    let stream: EventStream
    let heartbeat: Duration
    let admission: Admission

    /// Some browsers render a document progressively only after its first kilobyte or so.
    static let padding = "<!--" + String(repeating: " ", count: 2048) + "-->\n"

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.get("iframe") { request, context in
            let user = try context.requireUser()
            try admission.admit(user: user.id, address: context.clientAddress)
            return response(
                user: user, cursor: try request.integer(query: "cursor", in: 0...Int64.max), epoch: try request.epoch(),
                channel: context.channel, client: context.clientAddress)
        }
    }

    func response(user: UserSummary, cursor: Int64?, epoch: String?, channel: any Channel, client: String) -> Response {
        let stream = self.stream
        let heartbeat = self.heartbeat
        let nonce = (0..<2).map { _ in String(UInt64.random(in: .min ... .max), radix: 36) }.joined()
        let headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-cache",
            .contentSecurityPolicy: "default-src 'none'; script-src 'nonce-\(nonce)'; frame-ancestors 'self'",
            .xContentTypeOptions: "nosniff",
            .xAccelBuffering: "no",
        ]
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let encoder = WireCoding.makeEncoder()
                func script(_ call: String) -> ByteBuffer {
                    ByteBuffer(string: "<script nonce=\"\(nonce)\">parent.moments.\(call)</script>\n")
                }
                try await writer.write(
                    ByteBuffer(
                        string:
                            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>moments stream</title></head><body>\n"
                            + Self.padding))
                let end = try await stream.run(
                    user: user, cursor: cursor, epoch: epoch, heartbeat: heartbeat, channel: channel, client: client
                ) {
                    item in
                    switch item {
                    case .hello(let hello):
                        try await writer.write(script("hello(\(ScriptEmbedding.json(try encoder.encode(hello))))"))
                    case .event(let pushed):
                        try await writer.write(
                            script("push(\(ScriptEmbedding.json(Data(pushed.json.readableBytesView))))"))
                    case .heartbeat:
                        try await writer.write(ByteBuffer(string: "<!-- heartbeat -->\n"))
                    }
                }
                if case .draining(let retryMs) = end {
                    try await writer.write(script("end(\"draining\", \(retryMs))"))
                } else if let reason = end.wireName {
                    try await writer.write(script("end(\"\(reason)\")"))
                }
                try await writer.write(ByteBuffer(string: "</body></html>\n"))
                try await writer.finish(nil)
            })
    }
}
