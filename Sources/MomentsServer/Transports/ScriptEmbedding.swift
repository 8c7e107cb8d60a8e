import Foundation

/// JSON that can sit inside an HTML `<script>` element whatever the strings in it say.
///
/// `<` and `>` are escaped so no `</script>` or `<!--` can end or confuse the element, `&` for
/// XHTML parsers, and U+2028/U+2029 because older JavaScript engines end a line there. Inside
/// JSON strings `\uXXXX` means the same character, so the data is unchanged.
enum ScriptEmbedding {
    static func json(_ data: Data) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(data.count)
        for scalar in String(decoding: data, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
