/// What a picture says of itself before any pixel is decoded.
public struct ImageHeader: Sendable, Equatable {
    public var format: ImageFormat
    /// As stored, before rotation.
    public var width: Int
    public var height: Int
    /// EXIF orientation, 1 to 8; 5 to 8 turn the picture a quarter.
    public var orientation: Int

    public var pixels: Int { width * height }

    /// The size once turned upright, as it is shown.
    public var upright: (width: Int, height: Int) {
        orientation >= 5 && orientation <= 8 ? (height, width) : (width, height)
    }
}
