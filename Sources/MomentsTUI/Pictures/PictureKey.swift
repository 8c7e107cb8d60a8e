import MomentsClient

/// One picture as the screen wants it: which, in which size, over how many cells.
public struct PictureKey: Hashable, Sendable {
    public enum Size: String, Sendable {
        case thumb, large
    }

    public var mediaId: String
    public var size: Size
    public var columns: Int
    public var rows: Int
    /// Cut to fill its cells from the centre (a grid's squares).
    public var crop: Bool
    /// Symbols in these colours; unused when the terminal draws it (`kitty`).
    public var depth: ColorDepth
    /// Drawn by the terminal with kitty's protocol, not in cells.
    public var kitty = false
}

/// What the screen has of a picture: drawn in cells, decoded for the terminal to draw, or
/// given up on.
public enum PictureSlot: Equatable, Sendable {
    case ready(CellPicture)
    case pixels(KittyImage)
    case failed
}
