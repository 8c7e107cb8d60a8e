import MomentsCore
import NIOConcurrencyHelpers
import Synchronization

/// One live connection's entry in the `PushHub`: the hub hands it each published event and,
/// once, the reason it ended. It queues nothing itself: its owner keeps the one queue (a
/// WebSocket handler on its event loop, a `StreamInbox` for the async transports) and reports
/// the queue's length here, so the hub can say how much is waiting across connections.
public final class Subscription: Sendable {
    public enum EndReason: Sendable, Equatable {
        case overflow
        case shutdown
        case cancelled
        /// The node may have missed events (its cross-node feed was down): read the store again
        /// from your cursor and subscribe anew.
        case resync
        /// The user's tokens were revoked ("sign out everywhere"): the connection is closed.
        case revoked
        /// The node is draining before it stops: reconnect (to another node) after `retryMs`.
        case draining(retryMs: Int)
    }

    public let id: Int
    public let user: String
    private let deliver: @Sendable (PushedEvent) -> Void
    private let ended: @Sendable (EndReason) -> Void
    private let endReason = NIOLockedValueBox<EndReason?>(nil)
    private let queuedByOwner = Atomic<Int>(0)

    init(
        id: Int, user: String, deliver: @escaping @Sendable (PushedEvent) -> Void,
        ended: @escaping @Sendable (EndReason) -> Void
    ) {
        self.id = id
        self.user = user
        self.deliver = deliver
        self.ended = ended
    }

    func publish(_ event: PushedEvent) {
        if endReason.withLockedValue({ $0 == nil }) { deliver(event) }
    }

    /// Ends the subscription; only the first reason counts and reaches the owner.
    package func end(_ reason: EndReason) {
        let first = endReason.withLockedValue { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
        if first { ended(reason) }
    }

    /// Events waiting in the owner's queue, as it last said.
    var queued: Int { queuedByOwner.load(ordering: .relaxed) }

    package func ownerQueue(is count: Int) {
        queuedByOwner.store(count, ordering: .relaxed)
    }
}
