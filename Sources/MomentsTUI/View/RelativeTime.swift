import Foundation

/// "now", "5m", "3h", "yesterday", "2d": the age of a post or notification at a glance.
public enum RelativeTime {
    public static func describe(_ date: Date, now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<45: return "now"
        case ..<3600: return "\(max(1, (seconds + 30) / 60))m"
        case ..<86400: return "\(seconds / 3600)h"
        case ..<(2 * 86400): return "yesterday"
        default: return "\(seconds / 86400)d"
        }
    }
}
