import NIOCore
import Synchronization

/// One timer for every WebSocket's keep-alive instead of one per socket: each tick asks every
/// registered connection to ping (or to give up on a peer that did not answer the last ping).
final class PingWheel: Sendable {
    private let members = Mutex<[ObjectIdentifier: @Sendable () -> Void]>([:])

    func add(_ id: ObjectIdentifier, tick: @escaping @Sendable () -> Void) {
        members.withLock { $0[id] = tick }
    }

    func remove(_ id: ObjectIdentifier) {
        _ = members.withLock { $0.removeValue(forKey: id) }
    }

    /// Ticks every `interval` until the returned task is cancelled.
    func start(every interval: TimeAmount, on loop: any EventLoop) -> RepeatedTask {
        loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in tick() }
    }

    /// Asks every connection to ping now (the timer's tick; tests call it themselves).
    func tick() {
        for tick in members.withLock({ Array($0.values) }) { tick() }
    }
}
