import MomentsCore

@testable import MomentsServer

/// The request decoders of the write routes (a post with its audience and mentions, a comment
/// or reply, mark-read, publish), as
/// `Request.decodeBody` runs them: the depth check, then `JSONScanner`. Besides not crashing,
/// a publish's kept `data` must be JSON that reads back as itself (it is stored and pushed
/// as it is, so whatever the scanner keeps must be what it would accept).
enum RequestBodiesTarget {
    static func run(_ bytes: UnsafeRawBufferPointer) {
        guard !JSONDepth.exceeds(Limits().maxJSONDepth, in: bytes) else { return }
        if let body = try? JSONScanner.scan(bytes, { try TextBody(scanning: &$0) }) {
            _ = try? TextRules.validate(body.text)
        }
        if let post = try? JSONScanner.scan(bytes, { try NewPostBody(scanning: &$0) }) {
            _ = try? AudienceRules.validate(post.audience ?? .friends)
            if let mentions = try? AudienceRules.validateMentions(post.mentions ?? []) {
                precondition(Set(mentions).count == mentions.count, "mentions kept twice: \(mentions)")
            }
        }
        _ = try? JSONScanner.scan(bytes) { try MarkReadBody(scanning: &$0) }
        guard let data = (try? JSONScanner.scan(bytes) { try PublishBody(scanning: &$0) })?.data else { return }
        let again = Array(#"{"data":"#.utf8) + Array(data.utf8) + [UInt8(ascii: "}")]
        let reread = again.withUnsafeBytes { try? JSONScanner.scan($0) { try PublishBody(scanning: &$0) } }
        precondition(reread?.data == data, "publish data \(data) reads back as \(String(describing: reread?.data))")
    }
}
