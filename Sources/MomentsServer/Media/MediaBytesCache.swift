import NIOConcurrencyHelpers
import NIOCore

/// The bytes of small pictures read from disk, by digest: a digest's bytes never change, so a
/// thumbnail asked for again is answered from memory (the privacy check still runs each time,
/// in the store). Bounded by bytes; the least recently used go first.
final class MediaBytesCache: Sendable {
    /// Larger files are always read from disk, as they are sent.
    static let largestKept = 256 * 1024
    private let budget: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var entries: [String: (bytes: ByteBuffer, used: UInt64)] = [:]
        var size = 0
        var clock: UInt64 = 0
    }

    init(budget: Int = 32 * 1024 * 1024) {
        self.budget = budget
    }

    func bytes(_ digest: String) -> ByteBuffer? {
        state.withLockedValue { state in
            guard let entry = state.entries[digest] else { return nil }
            state.clock += 1
            state.entries[digest]?.used = state.clock
            return entry.bytes
        }
    }

    func keep(_ digest: String, _ bytes: ByteBuffer) {
        guard bytes.readableBytes <= Self.largestKept else { return }
        state.withLockedValue { state in
            state.clock += 1
            if state.entries.updateValue((bytes, state.clock), forKey: digest) == nil {
                state.size += bytes.readableBytes
            }
            while state.size > budget, let oldest = state.entries.min(by: { $0.value.used < $1.value.used }) {
                state.entries[oldest.key] = nil
                state.size -= oldest.value.bytes.readableBytes
            }
        }
    }
}
