/// How the terminal is asked to get the user's attention: a desktop notification by its own
/// escape where it has one (OSC 777 in VTE terminals, foot and urxvt; OSC 9 in iTerm2,
/// WezTerm and Windows Terminal; OSC 99 in kitty), else the bell. Inside tmux an escape is
/// wrapped so tmux passes it on to the terminal around it (with `allow-passthrough on`).
public enum Notifier {
    public enum Method: String, CaseIterable, Sendable {
        case auto, osc777, osc9, osc99, bell, none
    }

    /// `auto`, from what the environment says about the terminal. Inside tmux, TERM and
    /// TERM_PROGRAM name tmux itself; the outer terminal's own variables (VTE_VERSION,
    /// KITTY_WINDOW_ID, WT_SESSION) may still be there.
    public static func resolve(_ method: Method, environment: [String: String]) -> Method {
        guard method == .auto else { return method }
        let term = environment["TERM"] ?? ""
        let program = environment["TERM_PROGRAM"] ?? ""
        if environment["KITTY_WINDOW_ID"] != nil || term == "xterm-kitty" { return .osc99 }
        if ["iTerm.app", "WezTerm"].contains(program) || environment["WT_SESSION"] != nil { return .osc9 }
        if environment["VTE_VERSION"] != nil || term.hasPrefix("foot") || term.hasPrefix("rxvt") { return .osc777 }
        return .bell
    }

    /// The bytes that say `body` (under the title "Moments") by `method`, resolved; nil for `none`.
    public static func escape(_ body: String, method: Method, insideTmux: Bool) -> String? {
        let body = body.withoutControlCharacters
        let escape: String
        switch method {
        case .none, .auto: return nil
        case .bell: return "\u{07}"
        case .osc777: escape = "\u{1B}]777;notify;Moments;\(body)\u{07}"
        case .osc9: escape = "\u{1B}]9;Moments: \(body)\u{07}"
        case .osc99: escape = "\u{1B}]99;;Moments: \(body)\u{1B}\\"
        }
        guard insideTmux else { return escape }
        return "\u{1B}Ptmux;" + escape.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
    }
}
