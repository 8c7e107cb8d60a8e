/// The one way a test gives up: a hang turned into a failure, with what it waited for.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// How long any test waits for anything: generous, so that only a hang fails (CI runs the
/// suite on two loaded cores), never a machine that is merely slow.
let hangGuard: Duration = .seconds(30).stretched

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

/// Fails (rather than hangs) when `operation` takes longer than the bound.
func within<T: Sendable>(_ limit: Duration = hangGuard, _ operation: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TestFailure("timed out after \(limit)")
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}
