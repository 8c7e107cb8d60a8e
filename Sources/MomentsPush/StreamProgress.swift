import DequeModule
import MomentsCore
import MomentsStore

/// The stream guarantee of every push transport, as a value: after the hello, the backlog from
/// the cursor, then live events; each event once, in id order; a reader that falls `capacity`
/// events behind overflows instead of queueing without bound.
///
/// The owner subscribes to the hub *before* reading the backlog, so anything committed in
/// between is published here while catching up; it waits in `pending` and whatever the backlog
/// already covered is skipped by id. A resync (this node may have missed events) starts a new
/// catch-up generation: answers of an older read are recognised and ignored.
package struct StreamProgress {
    package enum Phase: Equatable {
        case catchingUp(generation: Int)
        case live
    }

    package enum Published: Equatable {
        /// Write it now: nothing is waiting before it.
        case send
        /// Kept until the owner can write (or has caught up).
        case queued
        /// Already sent (the backlog had it): nothing to do.
        case skipped
        /// The reader is `capacity` events behind: close its connection, it resumes by cursor.
        case overflow
    }

    /// The id of the last event handed out: the stream position the client will resume from.
    package private(set) var cursor: Int64
    package private(set) var phase: Phase = .catchingUp(generation: 0)
    private var pending = Deque<PushedEvent>()
    package let capacity: Int

    package init(cursor: Int64, capacity: Int) {
        self.cursor = cursor
        self.capacity = capacity
    }

    package var queued: Int { pending.count }

    /// Sets where the stream starts, once its hello has fixed it (nothing was handed out yet).
    package mutating func start(at cursor: Int64) {
        self.cursor = cursor
    }

    /// A new read of the store from `cursor`; answers the generation its pages must carry.
    package mutating func beginCatchUp() -> Int {
        let generation: Int
        if case .catchingUp(let current) = phase { generation = current + 1 } else { generation = 1 }
        phase = .catchingUp(generation: generation)
        return generation
    }

    /// The events of a backlog page still to send, in order (the cursor moves past them); none
    /// when the page belongs to a catch-up that a resync has replaced.
    package mutating func replayed(_ page: [PushedEvent], generation: Int) -> [PushedEvent] {
        guard phase == .catchingUp(generation: generation) else { return [] }
        var fresh: [PushedEvent] = []
        for event in page where accept(event) { fresh.append(event) }
        return fresh
    }

    /// The backlog is read: from now on `published` may say `.send`. False for a stale generation.
    package mutating func caughtUp(generation: Int) -> Bool {
        guard phase == .catchingUp(generation: generation) else { return false }
        phase = .live
        return true
    }

    /// A live event from the hub. `canSend` is whether the owner could write it right now.
    package mutating func published(_ event: PushedEvent, canSend: Bool) -> Published {
        if phase == .live, pending.isEmpty, canSend {
            return accept(event) ? .send : .skipped
        }
        guard pending.count < capacity else { return .overflow }
        pending.append(event)
        return .queued
    }

    /// The next waiting event to write, once live; events the backlog already sent are skipped.
    package mutating func nextPending() -> PushedEvent? {
        guard phase == .live else { return nil }
        while let event = pending.popFirst() {
            if accept(event) { return event }
        }
        return nil
    }

    /// Drops what waits (the connection is closing).
    package mutating func discardPending() {
        pending.removeAll()
    }

    private mutating func accept(_ event: PushedEvent) -> Bool {
        guard event.event.id > cursor else { return false }
        cursor = event.event.id
        return true
    }
}
