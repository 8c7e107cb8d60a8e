import Foundation
import MomentsImaging

/// A picture as kitty's graphics protocol takes it: RGBA pixels, sent in base64 chunks.
public struct KittyImage: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// The pixels in base64, in the chunks the protocol allows (4096 bytes each).
    public let chunks: [String]

    init(_ image: RGBAImage) {
        width = image.width
        height = image.height
        let encoded = Array(Data(image.pixels).base64EncodedString().utf8)
        chunks = stride(from: 0, to: encoded.count, by: 4096).map { start in
            String(decoding: encoded[start..<min(start + 4096, encoded.count)], as: UTF8.self)
        }
    }

    /// About 10 x 20 pixels a cell: sharp on most screens, and no more than that to send.
    static func decode(_ bytes: [UInt8], columns: Int, rows: Int, crop: Bool) throws -> KittyImage {
        KittyImage(try Imaging.pixels(of: bytes, format: .jpeg, box: max(columns * 10, rows * 20), crop: crop))
    }

    /// Sends the pixels as image `id` and places them over `columns` x `rows` cells at the
    /// cursor, leaving the cursor where it was (`C=1`), answering nothing (`q=2`).
    func transmit(id: UInt32, columns: Int, rows: Int) -> String {
        var escape = ""
        for (index, chunk) in chunks.enumerated() {
            let more = index < chunks.count - 1 ? 1 : 0
            if index == 0 {
                escape += "\u{1B}_Ga=T,f=32,s=\(width),v=\(height),c=\(columns),r=\(rows),i=\(id),C=1,q=2,m=\(more);"
            } else {
                escape += "\u{1B}_Gm=\(more);"
            }
            escape += chunk + "\u{1B}\\"
        }
        return escape
    }

    /// Deletes image `id`, its placements and its data.
    static func delete(id: UInt32) -> String {
        "\u{1B}_Ga=d,d=I,i=\(id),q=2\u{1B}\\"
    }
}
