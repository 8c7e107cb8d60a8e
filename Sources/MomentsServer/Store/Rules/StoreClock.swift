import Foundation
import MomentsCore

/// Times as both stores keep them: milliseconds since 1970 in an integer column.
enum StoreClock {
    static func now() -> Int64 { WireCoding.milliseconds(Date()) }

    static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
}
