/// A small strict JSON reader for the few request bodies on the write path (publish, post,
/// comment, mark read). Foundation's `JSONDecoder` built a tree of boxes per request and was
/// ~6% of the server's CPU at 2,000 publishes a second; this reads the bytes once, in place.
///
/// It accepts exactly RFC 8259 JSON (no comments, no trailing commas, no leading zeros, no
/// control characters in strings, valid UTF-8). Nesting depth is bounded before it runs
/// (`JSONDepth`), so the recursion here is too.
struct JSONScanner: ~Copyable {
    struct Malformed: Error {}

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    /// Runs `read` over `bytes`; anything left after the one top-level value is malformed.
    static func scan<T>(_ bytes: UnsafeRawBufferPointer, _ read: (inout JSONScanner) throws -> T) throws -> T {
        var scanner = JSONScanner(bytes: bytes)
        let value = try read(&scanner)
        scanner.skipWhitespace()
        guard scanner.index == bytes.count else { throw Malformed() }
        return value
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    // MARK: typed reads

    /// An object: `member` is called with each key and must consume its value.
    mutating func object(_ member: (String, inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        if try peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        repeat {
            let key = try string()
            try expect(UInt8(ascii: ":"))
            try member(key, &self)
        } while try separator(closing: UInt8(ascii: "}"))
    }

    mutating func array(_ element: (inout JSONScanner) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        if try peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        repeat { try element(&self) } while try separator(closing: UInt8(ascii: "]"))
    }

    mutating func string() throws -> String {
        var raw: [UInt8] = []
        try copyString(unescaping: true, into: &raw)
        guard let text = String(validating: raw, as: UTF8.self) else { throw Malformed() }
        return text
    }

    mutating func bool() throws -> Bool {
        if try peek() == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    mutating func integer() throws -> Int64 {
        skipWhitespace()
        let start = index
        try copyNumberBytes()
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Int64(text) else { throw Malformed() }
        return value
    }

    mutating func isNull() throws -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Any value, checked and written to `out` without insignificant whitespace (so it fits
    /// one SSE `data:` line); strings (keys too) and numbers are kept byte for byte as given.
    /// The caller checks the UTF-8 of the whole once.
    mutating func value(into out: inout [UInt8]) throws {
        switch try peek() {
        case UInt8(ascii: "{"):
            try container(UInt8(ascii: "{"), UInt8(ascii: "}"), into: &out) { scanner, out in
                try scanner.copyString(unescaping: false, into: &out)
                try scanner.expect(UInt8(ascii: ":"))
                out.append(UInt8(ascii: ":"))
                try scanner.value(into: &out)
            }
        case UInt8(ascii: "["):
            try container(UInt8(ascii: "["), UInt8(ascii: "]"), into: &out) { try $0.value(into: &$1) }
        case UInt8(ascii: "\""): try copyString(unescaping: false, into: &out)
        case UInt8(ascii: "t"): try literal("true", into: &out)
        case UInt8(ascii: "f"): try literal("false", into: &out)
        case UInt8(ascii: "n"): try literal("null", into: &out)
        default:
            let start = index
            try copyNumberBytes()
            out.append(contentsOf: bytes[start..<index])
        }
    }

    /// Consumes any value, checking it.
    mutating func skipValue() throws {
        var ignored: [UInt8] = []
        try value(into: &ignored)
    }

    // MARK: grammar

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func peek() throws -> UInt8 {
        skipWhitespace()
        guard index < bytes.count else { throw Malformed() }
        return bytes[index]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw Malformed() }
        index += 1
    }

    /// After an element: true on `,`, false on the closing bracket.
    private mutating func separator(closing: UInt8) throws -> Bool {
        switch try peek() {
        case UInt8(ascii: ","):
            index += 1
            return true
        case closing:
            index += 1
            return false
        default: throw Malformed()
        }
    }

    private mutating func literal(_ word: StaticString, into out: inout [UInt8]) throws {
        let start = index
        try literal(word)
        out.append(contentsOf: bytes[start..<index])
    }

    private mutating func literal(_ word: StaticString) throws {
        skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Malformed() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Malformed() }
        index += count
    }

    /// An object's or array's elements between `open` and `close`, comma-separated in `out`.
    private mutating func container(
        _ open: UInt8, _ close: UInt8, into out: inout [UInt8],
        element: (inout JSONScanner, inout [UInt8]) throws -> Void
    ) throws {
        try expect(open)
        out.append(open)
        if try peek() == close {
            index += 1
        } else {
            var first = true
            repeat {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                try element(&self, &out)
            } while try separator(closing: close)
        }
        out.append(close)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, after whitespace.
    private mutating func copyNumberBytes() throws {
        skipWhitespace()
        func digit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        func current() -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func digits() throws {
            guard let byte = current(), digit(byte) else { throw Malformed() }
            while let byte = current(), digit(byte) { index += 1 }
        }
        if current() == UInt8(ascii: "-") { index += 1 }
        if current() == UInt8(ascii: "0") { index += 1 } else { try digits() }
        if current() == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if current() == UInt8(ascii: "e") || current() == UInt8(ascii: "E") {
            index += 1
            if current() == UInt8(ascii: "+") || current() == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
    }

    /// A string token: its content unescaped (for keys and ids), or the token as given, quotes
    /// and escapes included (for `data`).
    private mutating func copyString(unescaping: Bool, into out: inout [UInt8]) throws {
        try expect(UInt8(ascii: "\""))
        if !unescaping { out.append(UInt8(ascii: "\"")) }
        while true {
            // Plain bytes are copied a run at a time: texts run to thousands of characters.
            let run = index
            while index < bytes.count, bytes[index] >= 0x20, bytes[index] != 0x22, bytes[index] != 0x5C { index += 1 }
            out.append(contentsOf: bytes[run..<index])
            guard index < bytes.count else { throw Malformed() }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                if !unescaping { out.append(byte) }
                return
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Malformed() }
                let escaped = bytes[index]
                index += 1
                if !unescaping {
                    out.append(byte)
                    out.append(escaped)
                }
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    if unescaping { out.append(escaped) }
                case UInt8(ascii: "b"): if unescaping { out.append(0x08) }
                case UInt8(ascii: "f"): if unescaping { out.append(0x0C) }
                case UInt8(ascii: "n"): if unescaping { out.append(0x0A) }
                case UInt8(ascii: "r"): if unescaping { out.append(0x0D) }
                case UInt8(ascii: "t"): if unescaping { out.append(0x09) }
                case UInt8(ascii: "u"):
                    // Decoded either way: a lone surrogate is refused even where the escape is kept.
                    let start = index
                    var decoded: [UInt8] = []
                    try appendUnicode(try hexUnit(), to: &decoded)
                    if unescaping {
                        out.append(contentsOf: decoded)
                    } else {
                        out.append(contentsOf: bytes[start..<index])
                    }
                default: throw Malformed()
                }
            default:  // a control character: never raw inside a JSON string
                throw Malformed()
            }
        }
    }

    private mutating func hexUnit() throws -> UInt16 {
        guard index + 4 <= bytes.count else { throw Malformed() }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw Malformed()
            }
            unit = unit << 4 | UInt16(nibble)
            index += 1
        }
        return unit
    }

    /// A `\u` escape (a surrogate pair takes a second one) as UTF-8.
    private mutating func appendUnicode(_ unit: UInt16, to out: inout [UInt8]) throws {
        var scalar: Unicode.Scalar?
        if UTF16.isLeadSurrogate(unit) {
            guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw Malformed() }
            index += 2
            let trail = try hexUnit()
            guard UTF16.isTrailSurrogate(trail) else { throw Malformed() }
            scalar = Unicode.Scalar(0x10000 + (UInt32(unit - 0xD800) << 10) + UInt32(trail - 0xDC00))
        } else {
            scalar = Unicode.Scalar(unit)
        }
        guard let scalar else { throw Malformed() }
        out.append(contentsOf: UTF8.encode(scalar)!)
    }
}
