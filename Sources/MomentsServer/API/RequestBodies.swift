import MomentsCore

/// A request body read by `JSONScanner` (see `Request.decodeBody`): unknown keys are skipped,
/// as `JSONDecoder` would; a missing or mistyped required key is malformed.
protocol ScannedBody {
    init(scanning scanner: inout JSONScanner) throws
}

extension TextBody: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        var text: String?
        try scanner.object { key, scanner in
            if key == "text" { text = try scanner.string() } else { try scanner.skipValue() }
        }
        guard let text else { throw JSONScanner.Malformed() }
        self.init(text: text)
    }
}

extension MarkReadBody: ScannedBody {
    init(scanning scanner: inout JSONScanner) throws {
        var upTo: Int64?
        try scanner.object { key, scanner in
            if key == "up_to" { upTo = try scanner.integer() } else { try scanner.skipValue() }
        }
        guard let upTo else { throw JSONScanner.Malformed() }
        self.init(upTo: upTo)
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
