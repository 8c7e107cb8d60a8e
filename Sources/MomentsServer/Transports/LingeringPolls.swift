import MomentsPush
import NIOConcurrencyHelpers

/// A long-poller's hub subscription, kept open between one answer and the client's next poll.
///
/// A client polls again at once from the cursor it was given. While its subscription lingers,
/// whatever is published for it meanwhile waits in the inbox, so that next poll needs no store
/// read: it finds its position (and any news) in memory. The inbox is found by user and
/// cursor; a poll from another cursor, or one after `linger`, reads the store as before. An
/// inbox the hub ends (a resync, a revocation, a drain, an overflow) is dropped at once, so
/// the next poll reads the store and no ended subscription stays counted.
final class LingeringPolls: Sendable {
    struct Key: Hashable {
        let user: String
        let cursor: Int64
    }

    private struct Entry {
        let inbox: StreamInbox
        let epoch: String
        let since: ContinuousClock.Instant
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var sweeping = false
    }

    private let state = NIOLockedValueBox(State())
    let linger: Duration

    init(linger: Duration = .seconds(15)) {
        self.linger = linger
    }

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// Keeps `inbox` for the user's next poll from the inbox's cursor, in history `epoch`.
    func keep(_ inbox: StreamInbox, user: String, epoch: String) {
        let key = Key(user: user, cursor: inbox.cursor)
        let (replaced, startSweeper) = state.withLockedValue { state in
            let replaced = state.entries.updateValue(
                Entry(inbox: inbox, epoch: epoch, since: .now), forKey: key)
            defer { state.sweeping = true }
            return (replaced?.inbox, !state.sweeping)
        }
        // Two clients of one user at one cursor: the later one's is kept.
        replaced?.close()
        inbox.whenEnded { [weak self] in self?.drop(key, inbox) }
        if startSweeper { Task { [weak self] in await self?.sweep() } }
    }

    /// The user's inbox at `cursor`, if one lingers in history `epoch` (nil: any) and is live.
    func take(user: String, cursor: Int64, epoch: String?) -> (inbox: StreamInbox, epoch: String)? {
        let entry = state.withLockedValue { state -> Entry? in
            let key = Key(user: user, cursor: cursor)
            guard let entry = state.entries[key], epoch.map({ $0 == entry.epoch }) ?? true else { return nil }
            state.entries[key] = nil
            return entry
        }
        guard let entry else { return nil }
        entry.inbox.whenEnded(nil)
        guard !entry.inbox.hasEnded else {
            entry.inbox.close()
            return nil
        }
        return (entry.inbox, entry.epoch)
    }

    private func drop(_ key: Key, _ inbox: StreamInbox) {
        let removed = state.withLockedValue { state in
            guard state.entries[key]?.inbox === inbox else { return false }
            state.entries[key] = nil
            return true
        }
        if removed { inbox.close() }
    }

    /// Closes what nobody came back for; runs while anything lingers.
    private func sweep() async {
        while true {
            try? await Task.sleep(for: linger / 2)
            let cutoff = ContinuousClock.now - linger
            let (expired, done) = state.withLockedValue { state in
                let expired = state.entries.filter { $0.value.since < cutoff }
                for key in expired.keys { state.entries[key] = nil }
                state.sweeping = !state.entries.isEmpty
                return (expired.values.map(\.inbox), state.entries.isEmpty)
            }
            for inbox in expired {
                inbox.whenEnded(nil)
                inbox.close()
            }
            if done { return }
        }
    }
}
