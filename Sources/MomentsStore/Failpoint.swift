#if DEBUG
    import Foundation
    import NIOConcurrencyHelpers

    /// Faults a test asks a debug build for, at an exact point no outside tool can reach (a
    /// release build has none): `MOMENTS_FAILPOINT=NAME` in the server's environment fires NAME
    /// once.
    package enum Failpoint: String, Sendable {
        /// The shared store's connection closes after the first write of a batch of several has
        /// run its statements, before the batch commits.
        case postgresConnectionLostMidBatch = "postgres-connection-lost-mid-batch"

        private static let armed = NIOLockedValueBox(
            ProcessInfo.processInfo.environment["MOMENTS_FAILPOINT"].flatMap(Failpoint.init(rawValue:)))

        /// True once, the first time `self` is reached while armed.
        func fires() -> Bool {
            Self.armed.withLockedValue { armed in
                guard armed == self else { return false }
                armed = nil
                return true
            }
        }
    }
#endif
