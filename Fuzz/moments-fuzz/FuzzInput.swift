/// Reads a fuzzer's bytes as the values a target needs; past the end every read is empty or 0,
/// so any input is a valid case.
struct FuzzInput {
    private let bytes: [UInt8]
    private var index = 0

    init(_ buffer: UnsafeRawBufferPointer) { bytes = Array(buffer) }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func integer(in range: ClosedRange<Int64>) -> Int64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(byte()) }
        let span = UInt64(bitPattern: range.upperBound &- range.lowerBound)
        return range.lowerBound &+ Int64(bitPattern: span == .max ? value : value % (span + 1))
    }

    /// Up to the next 0x00 byte (or the end), as UTF-8 with invalid bytes replaced.
    mutating func text() -> String {
        var piece: [UInt8] = []
        while index < bytes.count {
            let next = bytes[index]
            index += 1
            if next == 0 { break }
            piece.append(next)
        }
        return String(decoding: piece, as: UTF8.self)
    }

    /// The rest of the input, as it is.
    mutating func rest() -> [UInt8] {
        defer { index = bytes.count }
        return index < bytes.count ? Array(bytes[index...]) : []
    }
}
