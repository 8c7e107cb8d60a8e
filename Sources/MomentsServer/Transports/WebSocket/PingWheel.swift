import NIOConcurrencyHelpers
import NIOCore

/// One timer for every WebSocket's keep-alive instead of one per socket: each connection is
/// asked once per interval to ping (or to give up on a peer that did not answer the last ping).
///
/// The interval is split into `slots` steps, and each step asks one slot's connections: a node
/// with 19,000 sockets pings about a thousand at a time, not all 19,000 in one burst (with as
/// many pongs back) that every push waits behind.
final class PingWheel: Sendable {
    static let slots = 20

    private struct State {
        var slots = [[ObjectIdentifier: @Sendable () -> Void]](repeating: [:], count: PingWheel.slots)
        var slotOf: [ObjectIdentifier: Int] = [:]
        /// Where the next connection goes (round robin, so the slots stay even).
        var nextSlot = 0
        /// The slot the next step asks.
        var step = 0
    }

    private let state = NIOLockedValueBox(State())

    func add(_ id: ObjectIdentifier, tick: @escaping @Sendable () -> Void) {
        state.withLockedValue { state in
            let slot = state.nextSlot
            state.nextSlot = (slot + 1) % Self.slots
            state.slots[slot][id] = tick
            state.slotOf[id] = slot
        }
    }

    func remove(_ id: ObjectIdentifier) {
        state.withLockedValue { state in
            guard let slot = state.slotOf.removeValue(forKey: id) else { return }
            state.slots[slot][id] = nil
        }
    }

    /// Steps every `interval / slots` until the returned task is cancelled.
    func start(every interval: TimeAmount, on loop: any EventLoop) -> RepeatedTask {
        let step = TimeAmount.nanoseconds(max(1, interval.nanoseconds / Int64(Self.slots)))
        return loop.scheduleRepeatedTask(initialDelay: step, delay: step) { [self] _ in advance() }
    }

    /// Asks the connections of the next slot (the timer's step).
    func advance() {
        let ticks = state.withLockedValue { state in
            defer { state.step = (state.step + 1) % Self.slots }
            return Array(state.slots[state.step].values)
        }
        for tick in ticks { tick() }
    }

    /// Asks every connection now: a whole turn at once (tests drive the keep-alive with it).
    func tick() {
        for tick in state.withLockedValue({ $0.slots.flatMap(\.values) }) { tick() }
    }
}
