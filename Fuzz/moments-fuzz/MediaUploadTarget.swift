import MomentsImaging

@testable import MomentsServer

/// An upload's checks before any pixel is decoded (`MediaProcessor.inspect`): the type told
/// from the bytes, then the header read by that type's loader alone. Besides not crashing,
/// bytes that are not JPEG, PNG or WebP never reach a loader, and a header that passes is a
/// real size within the limit, with an EXIF orientation of 1 to 8.
enum MediaUploadTarget {
    static let maxPixels = 100_000_000

    static func run(_ buffer: UnsafeRawBufferPointer) {
        let bytes = Array(buffer)
        guard let format = ImageFormat(sniffing: bytes) else {
            let webp =
                bytes.count >= 12 && bytes[0..<4].elementsEqual("RIFF".utf8) && bytes[8..<12].elementsEqual("WEBP".utf8)
            precondition(
                !bytes.starts(with: [0xFF, 0xD8, 0xFF])
                    && !bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                    && !webp, "a picture's start not recognised")
            return
        }
        guard let header = try? MediaProcessor.inspect(bytes, format: format, maxPixels: maxPixels) else { return }
        precondition(header.format == format)
        precondition(header.width > 0 && header.height > 0 && header.pixels <= maxPixels, "\(header)")
        precondition((1...8).contains(header.orientation), "orientation \(header.orientation)")
    }
}
