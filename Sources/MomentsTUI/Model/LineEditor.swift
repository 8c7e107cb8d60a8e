/// One line of text being edited, and where the insertion point is: the compose line's model,
/// with its own small `update`, in the manner of Bubble Tea's `textinput`.
///
/// Works on `Character`s, so a CJK character, an emoji or a letter with a combining accent is
/// inserted, deleted and stepped over as one; how many cells each takes is the view's business.
public struct LineEditor: Equatable, Sendable {
    public private(set) var characters: [Character]
    /// Insertion point, `0...characters.count`.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Applies an editing key; keys that mean nothing to a line editor (Enter, Esc, arrows up and
    /// down) are left to the caller.
    public mutating func update(_ key: Key) {
        switch key {
        case .character(let character): insert(character)
        // A literal tab would be drawn as a run of cells the layout cannot measure.
        case .tab: insert(" ")
        case .backspace: deleteBackward()
        case .delete: deleteForward()
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home: cursor = 0
        case .end: cursor = characters.count
        default: break
        }
    }

    public mutating func insert(_ character: Character) {
        characters.insert(character, at: cursor)
        cursor += 1
    }

    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        cursor -= 1
        characters.remove(at: cursor)
    }

    public mutating func deleteForward() {
        guard cursor < characters.count else { return }
        characters.remove(at: cursor)
    }
}
