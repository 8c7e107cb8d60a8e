/// Why libvips could not read or make a picture, in its own words.
public struct ImagingError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
