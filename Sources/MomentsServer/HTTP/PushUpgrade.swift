import MomentsCore
import NIOConcurrencyHelpers

/// The upgrade decision as it travels in the request context: `PushUpgradeGate` puts an empty
/// one in the context of an upgrade request, and the `/api/ws` route, having admitted it, leaves
/// the grant there (a plain GET has none, and is answered 426).
final class PushUpgrade: Sendable {
    private let granted = NIOLockedValueBox<PushGrant?>(nil)

    func admit(_ grant: PushGrant) {
        granted.withLockedValue { $0 = grant }
    }

    var grant: PushGrant? { granted.withLockedValue { $0 } }
}

/// Who an admitted upgrade is for, and where their stream starts.
struct PushGrant: Sendable {
    let user: UserSummary
    let cursor: Int64?
    /// The history the cursor is from, when the client said.
    var epoch: String? = nil
    /// The client's address, for the access log.
    let client: String
}
