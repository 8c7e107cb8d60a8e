import Foundation
import MomentsImaging

/// Pictures made for tests: plain colours whose halves a test can check after the server has
/// turned and shrunk them, a JPEG carrying EXIF (orientation, GPS), and files that only claim
/// to be pictures.
package enum TestImages {
    /// `width` x `height`, the left half `left` and the right half `right` (RGB).
    package static func halves(
        width: Int, height: Int, left: (UInt8, UInt8, UInt8) = (255, 0, 0), right: (UInt8, UInt8, UInt8) = (0, 0, 255),
        as format: ImageFormat = .jpeg
    ) throws -> [UInt8] {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for _ in 0..<height {
            for x in 0..<width {
                let colour = x < width / 2 ? left : right
                pixels += [colour.0, colour.1, colour.2]
            }
        }
        return try Imaging.encode(pixels: pixels, width: width, height: height, bands: 3, as: format)
    }

    /// The JPEG with an EXIF block (APP1) right after its start: `orientation`, and a GPS
    /// position (31°14′N, 121°28′E) that must never come back out.
    package static func withEXIF(_ jpeg: [UInt8], orientation: UInt16) -> [UInt8] {
        var tiff: [UInt8] = Array("II".utf8) + le16(42) + le32(8)
        // IFD0 at 8: orientation, and the GPS IFD's place (8 + 2 + 2 * 12 + 4 = 38).
        tiff += le16(2)
        tiff += le16(0x0112) + le16(3) + le32(1) + le16(orientation) + le16(0)
        tiff += le16(0x8825) + le16(4) + le32(1) + le32(38)
        tiff += le32(0)
        // GPS IFD at 38: latitude ref, latitude (three rationals at 38 + 2 + 4 * 12 + 4 = 92),
        // longitude ref, longitude (at 116).
        tiff += le16(4)
        tiff += le16(0x0001) + le16(2) + le32(2) + Array("N\0\0\0".utf8)
        tiff += le16(0x0002) + le16(5) + le32(3) + le32(92)
        tiff += le16(0x0003) + le16(2) + le32(2) + Array("E\0\0\0".utf8)
        tiff += le16(0x0004) + le16(5) + le32(3) + le32(116)
        tiff += le32(0)
        for value: UInt32 in [31, 1, 14, 1, 0, 1, 121, 1, 28, 1, 0, 1] { tiff += le32(value) }
        let payload = Array("Exif\0\0".utf8) + tiff
        let length = UInt16(payload.count + 2)
        let segment: [UInt8] = [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
        return Array(jpeg[0..<2]) + segment + Array(jpeg[2...])
    }

    /// A PNG of a few dozen bytes declaring `width` x `height` pixels: a decompression bomb's
    /// header, with one tiny (and wrong) block of data after it.
    package static func pngClaiming(width: UInt32, height: UInt32) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(width) + be32(height) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])
        png += chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    private static func be32(_ value: UInt32) -> [UInt8] {
        (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) }
    }
}
