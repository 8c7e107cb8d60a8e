import MomentsCore

/// A request body read by `JSONScanner` (see `Request.decodeBody`): unknown keys are skipped,
/// as `JSONDecoder` would; a missing or mistyped required key is malformed.
protocol ScannedBody {
    init(scanning scanner: inout JSONScanner) throws
}

extension JSONScanner {
    /// An object whose one required key is `name`, read by `read`; other keys are skipped.
    mutating func requiredField<T>(_ name: String, _ read: (inout JSONScanner) throws -> T) throws -> T {
        var value: T?
        try object { key, scanner in
            if key == name { value = try read(&scanner) } else { try scanner.skipValue() }
        }
        guard let value else { throw Malformed() }
        return value
    }
}

extension TextBody: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        var text: String?
        var replyTo: Int64?
        try scanner.object { key, scanner in
            switch key {
            case "text": text = try scanner.string()
            case "reply_to": if try !scanner.isNull() { replyTo = try scanner.integer() }
            default: try scanner.skipValue()
            }
        }
        guard let text else { throw JSONScanner.Malformed() }
        self.init(text: text, replyTo: replyTo)
    }
}

extension NewPostBody: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        var text: String?
        var audience: Audience?
        var mentions: [String]?
        var media: [MediaAttachment]?
        try scanner.object { key, scanner in
            switch key {
            case "text": text = try scanner.string()
            case "media":
                if try scanner.isNull() { return }
                var items: [MediaAttachment] = []
                try scanner.array { items.append(try MediaAttachment(scanning: &$0)) }
                media = items
            case "audience": if try !scanner.isNull() { audience = try Audience(scanning: &scanner) }
            case "mentions":
                if try scanner.isNull() { return }
                var users: [String] = []
                try scanner.array { users.append(try $0.string()) }
                mentions = users
            default: try scanner.skipValue()
            }
        }
        // A post of pictures may leave its text out.
        guard text != nil || media?.isEmpty == false else { throw JSONScanner.Malformed() }
        self.init(text: text ?? "", audience: audience, mentions: mentions, media: media)
    }
}

extension MediaAttachment: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        var id: String?
        var alt = ""
        try scanner.object { key, scanner in
            switch key {
            case "id": id = try scanner.string()
            case "alt": if try !scanner.isNull() { alt = try scanner.string() }
            default: try scanner.skipValue()
            }
        }
        guard let id else { throw JSONScanner.Malformed() }
        self.init(id: id, alt: alt)
    }
}

extension Audience: ScannedBody {
    /// `{}`, `{"only": […]}`, `{"except": […]}` or `{"private": true}`; more than one of them is
    /// malformed.
    init(scanning scanner: inout JSONScanner) throws {
        var found: [Audience] = []
        try scanner.object { key, scanner in
            switch key {
            case "only", "except":
                var users: [String] = []
                try scanner.array { users.append(try $0.string()) }
                found.append(key == "only" ? .only(users) : .except(users))
            case "private":
                if try scanner.bool() { found.append(.onlyMe) }
            default:
                try scanner.skipValue()
            }
        }
        guard found.count <= 1 else { throw JSONScanner.Malformed() }
        self = found.first ?? .friends
    }
}

extension FriendRequestBody: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        var to: String?
        var note: String?
        try scanner.object { key, scanner in
            switch key {
            case "to": to = try scanner.string()
            case "note": if try !scanner.isNull() { note = try scanner.string() }
            default: try scanner.skipValue()
            }
        }
        guard let to else { throw JSONScanner.Malformed() }
        self.init(to: to, note: note)
    }
}

extension MarkReadBody: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        self.init(upTo: try scanner.requiredField("up_to") { try $0.integer() })
    }
}

/// `POST /api/publish` as the server reads it: `data` stays the JSON text it came as
/// (whitespace between tokens dropped), stored and pushed without being decoded.
struct PublishBody: ScannedBody {
    var users: [String]?
    var broadcast: Bool?
    var data: String?

    init(scanning scanner: inout JSONScanner) throws {
        var users: [String]?
        var broadcast: Bool?
        var data: String?
        try scanner.object { key, scanner in
            switch key {
            case "users":
                if try scanner.isNull() { return }
                var list: [String] = []
                try scanner.array { list.append(try $0.string()) }
                users = list
            case "broadcast":
                if try !scanner.isNull() { broadcast = try scanner.bool() }
            case "data":
                var raw: [UInt8] = []
                try scanner.value(into: &raw)
                guard let text = String(validating: raw, as: UTF8.self) else { throw JSONScanner.Malformed() }
                // A JSON null is no data, as JSONDecoder read it into an absent optional.
                data = text == "null" ? nil : text
            default:
                try scanner.skipValue()
            }
        }
        self.users = users
        self.broadcast = broadcast
        self.data = data
    }
}
