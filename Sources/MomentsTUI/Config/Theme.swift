/// The colour of each `Style.Role`: the `[theme]` table of config.toml. A colour is one of
/// the terminal's 16 (`"red"`, `"bright-blue"`), one of the 256 (`208`) or true colour
/// (`"#ff8700"`); `Terminal` gives the terminal the nearest it can show.
public struct Theme: Equatable, Sendable {
    public enum Color: Equatable, Sendable {
        /// The terminal's own foreground.
        case standard
        /// 0–15: the 16 colours, 0–255: xterm's 256.
        case indexed(Int)
        case rgb(red: Int, green: Int, blue: Int)
    }

    public private(set) var colors: [Style.Role: Color]

    public static let standard = Theme(colors: [
        .accent: .indexed(6), .unread: .indexed(1), .like: .indexed(1), .error: .indexed(1),
        .success: .indexed(2), .warning: .indexed(3), .author: .indexed(5),
    ])

    public func color(_ role: Style.Role) -> Color { colors[role] ?? .standard }

    public mutating func set(_ role: Style.Role, _ color: Color) { colors[role] = color }

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
}

extension Theme.Color {
    /// Reads a colour as config.toml writes it; nil when it is none of the three forms.
    public init?(spec: String) {
        let spec = spec.lowercased()
        if spec == "default" {
            self = .standard
        } else if let index = Theme.names.firstIndex(of: spec) {
            self = .indexed(index)
        } else if spec.hasPrefix("bright-"), let index = Theme.names.firstIndex(of: String(spec.dropFirst(7))) {
            self = .indexed(index + 8)
        } else if spec.hasPrefix("#"), spec.count == 7, spec.dropFirst().allSatisfy(\.isHexDigit),
            let value = Int(spec.dropFirst(), radix: 16)
        {
            self = .rgb(red: value >> 16, green: (value >> 8) & 0xFF, blue: value & 0xFF)
        } else if let index = Int(spec), (0...255).contains(index) {
            self = .indexed(index)
        } else {
            return nil
        }
    }

    /// How config.toml writes it (`--print-config`).
    public var spec: String {
        switch self {
        case .standard: "default"
        case .indexed(let index) where index < 8: Theme.names[index]
        case .indexed(let index) where index < 16: "bright-" + Theme.names[index - 8]
        case .indexed(let index): "\(index)"
        case .rgb(let red, let green, let blue):
            "#" + [red, green, blue].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        }
    }

    /// The colour number for a terminal with `available` colours (ncurses' `COLORS`): itself
    /// when the terminal has it, else the nearest it has; -1 for the terminal's own.
    public func number(available: Int) -> Int {
        switch self {
        case .standard: return -1
        case .indexed(let index) where index < available: return index
        case .indexed(let index): return Self.nearest(Self.rgb(ofIndex: index), among: available)
        case .rgb(let red, let green, let blue):
            // A direct-colour terminal (e.g. TERM=xterm-direct) takes the value itself.
            if available >= 1 << 24 { return red << 16 | green << 8 | blue }
            return Self.nearest((red, green, blue), among: available)
        }
    }

    /// xterm's palette: 16 system colours, a 6×6×6 cube, 24 greys.
    static func rgb(ofIndex index: Int) -> (Int, Int, Int) {
        switch index {
        case 0..<16:
            let base = [
                (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
                (255, 0, 255), (0, 255, 255), (255, 255, 255),
            ]
            return base[index]
        case 16..<232:
            let level = { (step: Int) in step == 0 ? 0 : 55 + step * 40 }
            let cube = index - 16
            return (level(cube / 36), level(cube / 6 % 6), level(cube % 6))
        default:
            let grey = 8 + (index - 232) * 10
            return (grey, grey, grey)
        }
    }

    static func nearest(_ color: (Int, Int, Int), among available: Int) -> Int {
        let candidates = 0..<min(max(available, 8), 256)
        return candidates.min { distance(rgb(ofIndex: $0), color) < distance(rgb(ofIndex: $1), color) } ?? 7
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return dr * dr + dg * dg + db * db
    }
}
