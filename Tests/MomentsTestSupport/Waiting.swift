import NIOConcurrencyHelpers

/// The one way a test gives up: a hang turned into a failure, with what it waited for.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// How long any test waits for anything: generous, so that only a hang fails (CI runs the
/// suite on two loaded cores), never a machine that is merely slow.
let hangGuard: Duration = .seconds(60).stretched

/// Polls `probe` until it answers; checks once more after the deadline, so a process-wide stall
/// cannot fail a condition that did come true.
@discardableResult
func eventually<T>(_ what: String, within limit: Duration = hangGuard, _ probe: () async throws -> T?)
    async throws -> T
{
    let deadline = ContinuousClock.now + limit
    while true {
        let late = ContinuousClock.now >= deadline
        if let value = try await probe() { return value }
        if late { throw TestFailure("timed out after \(limit) waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// Polls `condition` until it holds (see the other `eventually`).
func eventually(_ what: String, within limit: Duration = hangGuard, _ condition: () async throws -> Bool)
    async throws
{
    try await eventually(what, within: limit) { try await condition() ? () : nil }
}

/// Fails (rather than hangs) when `operation` takes longer than the bound. The operation runs
/// in a task of its own and is abandoned (cancelled, not awaited) at the bound: what it waits
/// on may not be cancellable (a future's `get()`, another task's `value`), and a task group
/// would wait for it for ever.
func within<T: Sendable>(_ limit: Duration = hangGuard, _ operation: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    let settled = NIOLockedValueBox(false)
    let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        func settle(_ result: Result<T, any Error>) {
            let first = settled.withLockedValue { done in
                defer { done = true }
                return !done
            }
            guard first else { return }
            continuation.resume(with: result)
            for task in tasks.withLockedValue({ $0 }) { task.cancel() }  // the timer, or the abandoned work
        }
        let work = Task {
            do {
                settle(.success(try await operation()))
            } catch {
                settle(.failure(error))
            }
        }
        let timer = Task {
            guard (try? await Task.sleep(for: limit)) != nil else { return }
            settle(.failure(TestFailure("timed out after \(limit)")))
        }
        tasks.withLockedValue { $0 = [work, timer] }
        if settled.withLockedValue({ $0 }) { work.cancel(); timer.cancel() }
    }
}
