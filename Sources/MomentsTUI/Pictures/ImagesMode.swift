/// How pictures are drawn (`--images`, `[images] mode`).
public enum ImagesMode: String, Sendable, CaseIterable {
    /// Kitty's graphics where the terminal has them, else symbols (none without colour).
    case auto
    /// Kitty's graphics protocol: the picture itself, placed over the cells kept for it.
    case kitty
    /// Chafa's Unicode block symbols in the terminal's colours: cells like any text, so
    /// scrolling, resizing and overlays just work.
    case symbols
    /// `[photo 1/3: alt]` where a picture would be.
    case none

    /// What `auto` means here: kitty's protocol in a terminal that speaks it (never inside
    /// tmux, which would pass it through only when told to), symbols where there is colour.
    public func resolved(environment: [String: String], colors: Bool) -> ImagesMode {
        guard colors else { return .none }
        guard self == .auto else { return self }
        if environment["TMUX"] != nil { return .symbols }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if term == "xterm-kitty" || term == "xterm-ghostty" || program == "WezTerm" || program == "ghostty" {
            return .kitty
        }
        return .symbols
    }
}

/// How many colours symbol pictures use: what the terminal says it has.
public enum ColorDepth: Sendable, Hashable {
    case direct
    case indexed256
    case indexed16

    public init(colors: Int) {
        self = colors >= 1 << 24 ? .direct : colors >= 256 ? .indexed256 : .indexed16
    }
}
