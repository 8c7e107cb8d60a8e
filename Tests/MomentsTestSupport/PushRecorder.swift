import MomentsClient
import MomentsCore
import NIOConcurrencyHelpers

/// Collects what a `PushConnection` reports, for tests to wait on.
public final class PushRecorder: Sendable {
    private final class Log: Sendable {
        let updates = NIOLockedValueBox<[PushUpdate]>([])
    }

    private let log = Log()
    private let task: Task<Void, Never>

    public init(_ connection: PushConnection) {
        let stream = connection.updates()
        let log = self.log
        task = Task { for await update in stream { log.updates.withLockedValue { $0.append(update) } } }
    }

    /// Reconnecting fast, long-polls short: what tests want.
    public static func fastOptions(_ mode: TransportMode = .auto) -> PushConnection.Options {
        var options = PushConnection.Options()
        options.mode = mode
        options.reconnect = ReconnectPolicy(base: .milliseconds(50), cap: .milliseconds(400))
        options.longPollTimeout = 2
        return options
    }

    public var events: [Event] {
        log.updates.withLockedValue { $0.compactMap { if case .event(let e) = $0 { e } else { nil } } }
    }

    public var updates: [PushUpdate] { log.updates.withLockedValue { $0 } }

    public var states: [ConnectionState] {
        log.updates.withLockedValue { $0.compactMap { if case .state(let s) = $0 { s } else { nil } } }
    }

    /// Waits (bounded, to catch hangs) until `condition` holds.
    public func wait(for what: String, _ condition: @escaping @Sendable (PushRecorder) -> Bool) async throws {
        try await eventually(what) { condition(self) }
    }

    public func stop() { task.cancel() }
}
