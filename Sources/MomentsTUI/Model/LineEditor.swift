/// The text being written and where the insertion point is: the compose field's model, with
/// its own small `update`, in the manner of Bubble Tea's `textarea`. Several lines are allowed
/// (`Ctrl-J` / `Alt-Enter`, or pasted); Enter itself is the caller's (it sends).
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

    /// The cursor is where a word would start: at the start, or after a space or a new line.
    public var atWordStart: Bool { cursor == 0 || characters[cursor - 1].isWhitespace }

    /// Applies an editing key; keys that mean nothing to an editor (Enter, Esc, arrows up and
    /// down) are left to the caller.
    public mutating func update(_ key: Key) {
        switch key {
        case .character(let character): insert(character)
        // A literal tab would be drawn as a run of cells the layout cannot measure.
        case .tab: insert(" ")
        case .newline: insert("\n")
        case .paste(let text): paste(text)
        case .backspace: deleteBackward()
        case .delete: deleteForward()
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home: cursor = lineStart
        case .end: cursor = lineEnd
        case .alt("b"): cursor = wordStart
        case .alt("f"): cursor = wordEnd
        case .control("w"): delete(wordStart..<cursor)
        case .control("u"): delete(lineStart..<cursor)
        case .control("k"): delete(cursor..<lineEnd)
        default: break
        }
    }

    public mutating func insert(_ character: Character) {
        characters.insert(character, at: cursor)
        cursor += 1
    }

    /// Pasted text, whole: line breaks of any convention become one newline, tabs spaces, other
    /// control characters go (they would move the terminal's cursor, not the text).
    mutating func paste(_ text: String) {
        for character in text.replacingOccurrences(of: "\r\n", with: "\n") {
            switch character {
            case "\r", "\n": insert("\n")
            case "\t": insert(" ")
            default: if !character.unicodeScalars.allSatisfy(\.properties.isControlOrFormat) { insert(character) }
            }
        }
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

    /// Moves to the line above (-1) or below (+1), at the same character of the line or its end;
    /// false when there is no such line.
    public mutating func moveLine(_ step: Int) -> Bool {
        let column = cursor - lineStart
        if step < 0 {
            guard lineStart > 0 else { return false }
            let end = lineStart - 1
            let start = characters[..<end].lastIndex(of: "\n").map { $0 + 1 } ?? 0
            cursor = min(start + column, end)
        } else {
            guard lineEnd < characters.count else { return false }
            let start = lineEnd + 1
            let end = characters[start...].firstIndex(of: "\n") ?? characters.count
            cursor = min(start + column, end)
        }
        return true
    }

    private mutating func delete(_ range: Range<Int>) {
        characters.removeSubrange(range)
        cursor = range.lowerBound
    }

    private var lineStart: Int { characters[..<cursor].lastIndex(of: "\n").map { $0 + 1 } ?? 0 }
    private var lineEnd: Int { characters[cursor...].firstIndex(of: "\n") ?? characters.count }

    private static func inWord(_ character: Character) -> Bool { character.isLetter || character.isNumber }

    /// The start of the word before the cursor (over any spaces and punctuation first).
    private var wordStart: Int {
        var index = cursor
        while index > 0, !Self.inWord(characters[index - 1]) { index -= 1 }
        while index > 0, Self.inWord(characters[index - 1]) { index -= 1 }
        return index
    }

    /// The end of the word after the cursor.
    private var wordEnd: Int {
        var index = cursor
        while index < characters.count, !Self.inWord(characters[index]) { index += 1 }
        while index < characters.count, Self.inWord(characters[index]) { index += 1 }
        return index
    }
}

extension Unicode.Scalar.Properties {
    fileprivate var isControlOrFormat: Bool { generalCategory == .control || generalCategory == .format }
}
