import CImaging

/// The picture formats Moments accepts, told from the bytes themselves: a client's
/// `Content-Type` or file name decides nothing, and each format is decoded only by its own loader.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, webp

    /// The format the bytes start like, or nil for anything else.
    public init?(sniffing bytes: some Collection<UInt8>) {
        let head = Array(bytes.prefix(12))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if head.count == 12, head[0..<4].elementsEqual("RIFF".utf8), head[8..<12].elementsEqual("WEBP".utf8) {
            self = .webp
        } else {
            return nil
        }
    }

    public var mediaType: String { "image/\(rawValue)" }

    var code: Int32 {
        switch self {
        case .jpeg: Int32(MOMENTS_IMAGE_JPEG.rawValue)
        case .png: Int32(MOMENTS_IMAGE_PNG.rawValue)
        case .webp: Int32(MOMENTS_IMAGE_WEBP.rawValue)
        }
    }
}
