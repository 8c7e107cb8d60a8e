/// Keys as config.toml names them: `"f"`, `"G"`, `"ctrl-w"`, `"alt-b"`, `"enter"`, `"pgdn"`.
extension Key {
    static let named: [(String, Key)] = [
        ("enter", .enter), ("esc", .escape), ("tab", .tab), ("space", .character(" ")),
        ("backspace", .backspace), ("delete", .delete), ("up", .up), ("down", .down), ("left", .left),
        ("right", .right), ("pgup", .pageUp), ("pgdn", .pageDown), ("home", .home), ("end", .end),
    ]

    public init?(spec: String) {
        if let key = Self.named.first(where: { $0.0 == spec.lowercased() })?.1 {
            self = key
        } else if spec.count == 1, let character = spec.first {
            self = .character(character)
        } else if spec.lowercased().hasPrefix("ctrl-"), spec.count == 6,
            let letter = spec.lowercased().last?.unicodeScalars.first, ("a"..."z").contains(letter),
            let key = Key.control(code: letter.value - 96)
        {
            self = key
        } else if spec.lowercased().hasPrefix("alt-"), spec.count == 5, let character = spec.last {
            self = .alt(character)
        } else {
            return nil
        }
    }

    /// How config.toml and the help screen write it.
    public var spec: String {
        if let name = Self.named.first(where: { $0.1 == self })?.0 { return name }
        switch self {
        case .character(let character): return String(character)
        case .control(let letter): return "ctrl-\(letter)"
        case .alt(let character): return "alt-\(character)"
        case .interrupt: return "ctrl-c"
        case .newline: return "ctrl-j"
        default: return "?"
        }
    }
}
