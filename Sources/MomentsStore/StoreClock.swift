import Foundation
import MomentsCore

/// Times as both stores keep them: milliseconds since 1970 in an integer column.
package enum StoreClock {
    /// How many milliseconds back `now` is for the task's writes: the demo's past (`DemoSeed`);
    /// 0 for everything else.
    @TaskLocal package static var setBack: Int64 = 0

    package static func now() -> Int64 { WireCoding.milliseconds(Date()) - setBack }

    package static func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

    /// Runs `body` as if it were `seconds` ago.
    package static func asIf<T>(secondsAgo seconds: Int, _ body: () async throws -> T) async rethrows -> T {
        try await $setBack.withValue(Int64(seconds) * 1000) { try await body() }
    }
}
