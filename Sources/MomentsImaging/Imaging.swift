import CImaging
import Foundation

/// libvips, started once per process for untrusted input (`moments_imaging_start`: only the
/// JPEG, PNG and WebP loaders, nothing unsafe, no cache). Every call is synchronous and
/// CPU-bound: the server runs them on its own bounded pool, never on an event loop.
public enum Imaging {
    private static let started: Bool = moments_imaging_start("moments") == 0

    /// Reads the header with the format's loader only: no pixel is decoded, so a small file
    /// claiming billions of pixels costs nothing here.
    public static func header(of bytes: [UInt8], format: ImageFormat) throws -> ImageHeader {
        try requireStarted()
        var header = moments_image_header()
        let status = bytes.withUnsafeBytes { moments_image_probe($0.baseAddress, $0.count, format.code, &header) }
        guard status == 0 else { throw lastError() }
        return ImageHeader(
            format: format, width: Int(header.width), height: Int(header.height),
            orientation: Int(header.orientation))
    }

    /// Decodes (failing on truncated or corrupt data), turns upright, shrinks to fit a square of
    /// `box` and encodes a JPEG with no metadata: never the uploaded bytes.
    public static func render(_ bytes: [UInt8], format: ImageFormat, box: Int, quality: Int) throws -> RenderedImage {
        try requireStarted()
        var out: UnsafeMutableRawPointer?
        var length = 0
        var width: Int32 = 0
        var height: Int32 = 0
        let status = bytes.withUnsafeBytes {
            moments_image_render(
                $0.baseAddress, $0.count, format.code, Int32(box), Int32(quality), &out, &length, &width, &height)
        }
        guard status == 0, let out else { throw lastError() }
        defer { moments_imaging_free(out) }
        return RenderedImage(
            bytes: Array(UnsafeRawBufferPointer(start: out, count: length)), width: Int(width), height: Int(height))
    }

    /// Decodes, turns upright and shrinks to fit a square of `box` (with `crop`, to fill it, cut
    /// from the centre), into 8-bit RGBA pixels: what a terminal renderer draws from.
    public static func pixels(of bytes: [UInt8], format: ImageFormat, box: Int, crop: Bool = false) throws
        -> RGBAImage
    {
        try requireStarted()
        var out: UnsafeMutableRawPointer?
        var width: Int32 = 0
        var height: Int32 = 0
        let status = bytes.withUnsafeBytes {
            moments_image_pixels(
                $0.baseAddress, $0.count, format.code, Int32(box), crop ? 1 : 0, &out, &width, &height)
        }
        guard status == 0, let out else { throw lastError() }
        defer { moments_imaging_free(out) }
        return RGBAImage(
            pixels: Array(UnsafeRawBufferPointer(start: out, count: Int(width) * Int(height) * 4)), width: Int(width),
            height: Int(height))
    }

    /// Encodes 8-bit RGB (3 bands) or RGBA (4) pixels, rows top to bottom: generated pictures.
    public static func encode(pixels: [UInt8], width: Int, height: Int, bands: Int, as format: ImageFormat) throws
        -> [UInt8]
    {
        try requireStarted()
        precondition(pixels.count == width * height * bands, "pixels do not fill the picture")
        var out: UnsafeMutableRawPointer?
        var length = 0
        let status = pixels.withUnsafeBufferPointer {
            moments_image_encode(
                $0.baseAddress, Int32(width), Int32(height), Int32(bands), format.code, &out, &length)
        }
        guard status == 0, let out else { throw lastError() }
        defer { moments_imaging_free(out) }
        return Array(UnsafeRawBufferPointer(start: out, count: length))
    }

    private static func requireStarted() throws {
        guard started else { throw ImagingError(description: "libvips did not start") }
    }

    private static func lastError() -> ImagingError {
        var buffer = [CChar](repeating: 0, count: 512)
        moments_imaging_error(&buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ImagingError(description: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Decoded pixels: 4 bytes (red, green, blue, alpha) each, rows top to bottom.
public struct RGBAImage: Sendable, Equatable {
    public var pixels: [UInt8]
    public var width: Int
    public var height: Int

    public init(pixels: [UInt8], width: Int, height: Int) {
        self.pixels = pixels
        self.width = width
        self.height = height
    }

    /// The pixel at (x, y): red, green, blue, alpha.
    public func rgba(x: Int, y: Int) -> (UInt8, UInt8, UInt8, UInt8) {
        let i = (y * width + x) * 4
        return (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }
}

/// A picture made by `Imaging.render`: JPEG bytes and their size.
public struct RenderedImage: Sendable, Equatable {
    public var bytes: [UInt8]
    public var width: Int
    public var height: Int
}
