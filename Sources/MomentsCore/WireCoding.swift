import Foundation

/// The JSON settings every party on the wire uses: snake_case keys, ISO 8601 dates with
/// milliseconds (clients measure push delay from `created_at`).
public enum WireCoding {
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(formatDate(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an ISO 8601 date: \(text)")
            }
            return date
        }
        return decoder
    }

    /// `2026-03-09T09:40:17.024Z`: UTC, to the millisecond, rounded. Foundation's ISO 8601 style
    /// truncates the Double's seconds, and a Double does not hold every millisecond exactly, so it
    /// wrote some a millisecond early (`.023` for a time stored as `…17024` ms; found by
    /// `scripts/fuzz event` against the server's own encoder, which rounds).
    public static func formatDate(_ date: Date) -> String {
        String(decoding: dateBytes(date), as: UTF8.self)
    }

    /// `formatDate`'s 24 ASCII bytes, for the encoders that write JSON by hand.
    public static func dateBytes(_ date: Date) -> [UInt8] {
        let millis = milliseconds(date)
        let fraction = (millis % 1000 + 1000) % 1000  // the floor's remainder, before 1970 too
        var seconds = time_t((millis - fraction) / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        func digits(_ value: Int, _ count: Int, then separator: UInt8) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
            bytes.append(separator)
        }
        digits(Int(parts.tm_year) + 1900, 4, then: UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2, then: UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2, then: UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2, then: UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2, then: UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2, then: UInt8(ascii: "."))
        digits(Int(fraction), 3, then: UInt8(ascii: "Z"))
        return bytes
    }

    /// Whole milliseconds since 1970, rounded: the precision of every time on the wire.
    public static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func parseDate(_ text: String) -> Date? {
        (try? dateStyle.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    private static let dateStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
