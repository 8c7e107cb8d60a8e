/// The pictures the screen has drawn, how it draws them, and which it wants this frame.
public struct PictureBoard: Equatable, Sendable {
    /// Resolved: `symbols`, `kitty` or `none`.
    public var mode: ImagesMode
    public var depth: ColorDepth
    public private(set) var slots: [PictureKey: PictureSlot] = [:]
    /// Oldest first: what goes when more than `kept` are held.
    private var order: [PictureKey] = []
    /// Written by `View` each frame: the pictures on screen with the address of each.
    public var wanted: [PictureKey: String] = [:]
    static let kept = 300

    public init(mode: ImagesMode = .none, depth: ColorDepth = .indexed256) {
        self.mode = mode
        self.depth = depth
    }

    public mutating func keep(_ key: PictureKey, _ slot: PictureSlot) {
        if slots.updateValue(slot, forKey: key) == nil { order.append(key) }
        if order.count > Self.kept { slots[order.removeFirst()] = nil }
    }
}
