import DequeModule
import Foundation
import NIOConcurrencyHelpers

/// Lines of a pipe, read on their own thread (so no async thread blocks on it), handed out one
/// `next()` at a time.
final class LineQueue: Sendable {
    private struct State {
        var lines = Deque<String>()
        var waiter: CheckedContinuation<String?, Never>?
        var finished = false
    }

    private let state = NIOLockedValueBox(State())

    init(reading handle: FileHandle) {
        Thread { [self] in
            var pending = Data()
            while case let chunk = handle.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    push(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            push(nil)
        }.start()
    }

    /// The next line, or nil once the pipe has closed.
    func next() async -> String? {
        await withCheckedContinuation { continuation in
            let ready: String?? = state.withLockedValue { state in
                if let line = state.lines.popFirst() { return .some(line) }
                if state.finished { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    private func push(_ line: String?) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<String?, Never>? in
            if line == nil { state.finished = true }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            if let line { state.lines.append(line) }
            return nil
        }
        waiter?.resume(returning: line)
    }
}
