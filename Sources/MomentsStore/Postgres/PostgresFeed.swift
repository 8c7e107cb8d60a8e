import Logging
import MomentsCore
import PostgresNIO
import ServiceLifecycle

/// Cross-node push over PostgreSQL: LISTEN on the store's channel and hand each committed
/// batch to this node's `EventSink` (its push hub), as `GroupCommit` does on the embedded store.
///
/// A NOTIFY payload holds a group commit's event ids and recipients (`CrossNodePayload`; a big
/// batch is split over several NOTIFYs under the 8000-byte limit). Events are read
/// from the store once per node, only for users the sink listens to, in batches: what arrived
/// while the last batch was read is read together. If the LISTEN connection drops, the node
/// reconnects and then resyncs every local session from its cursor, so nothing committed while
/// it was deaf is lost.
public struct PostgresFeed: Service {
    let store: PostgresStore
    let sink: any EventSink
    /// Told whether the feed is listening: a node that is not may miss events (not ready).
    let listening: @Sendable (Bool) -> Void
    let logger: Logger

    public init(
        store: PostgresStore, sink: any EventSink, listening: @escaping @Sendable (Bool) -> Void, logger: Logger
    ) {
        self.store = store
        self.sink = sink
        self.listening = listening
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var listenedBefore = false
            var failures = 0
            while !Task.isCancelled {
                listening(false)
                do {
                    let connection = try await PostgresConnection.connect(
                        configuration: try store.address.connectionConfiguration, id: 1, logger: logger)
                    do {
                        try await connection.listen(on: PostgresStore.channel) { notifications in
                            if listenedBefore {
                                logger.info("listening again; resyncing local sessions from their cursors")
                                sink.resync()
                            }
                            listenedBefore = true
                            failures = 0
                            listening(true)
                            let batches = NotificationBatches()
                            try await withThrowingTaskGroup(of: Void.self) { group in
                                group.addTask {
                                    defer { batches.finish() }
                                    for try await notification in notifications { batches.add(notification.payload) }
                                }
                                group.addTask {
                                    while let payloads = await batches.next() { try await deliverPatiently(payloads) }
                                }
                                // Whichever ends first ends the other (waitForAll would not): a
                                // LISTEN connection lost, or events that cannot be read, is a
                                // reconnect and a resync, with the node not ready meanwhile.
                                defer { group.cancelAll() }
                                try await group.next()
                            }
                        }
                    } catch {
                        try? await connection.close()
                        throw error
                    }
                    try? await connection.close()
                } catch {
                    // Shutting down (a retry's sleep, a connect or a read cancelled): an end, not
                    // a failure to report.
                    guard !Task.isCancelled else { return }
                    listening(false)
                    failures += 1
                    logger.warning(
                        "cross-node feed interrupted", metadata: ["error": "\(StoreFailure.describe(error))"])
                    try? await Task.sleep(for: ReconnectDelay.after(failures: failures))
                }
            }
        }
    }

    /// A pool with every connection busy (or one lost under the read) is no reason to drop
    /// the LISTEN connection and make every local session resync, more load just when there is
    /// too much: read the batch again, backing off. Still failing after about half a minute, it
    /// gives up: the caller reconnects and resyncs.
    private func deliverPatiently(_ payloads: [String]) async throws {
        var failures = 0
        while true {
            do {
                return try await deliver(payloads)
            } catch  where StoreFailure.isUnavailable(error) && failures < Self.patience && !Task.isCancelled {
                failures += 1
                logger.warning(
                    "cross-node events waiting for the database",
                    metadata: ["error": "\(StoreFailure.describe(error))", "attempt": "\(failures)"])
                try await Task.sleep(for: ReconnectDelay.after(failures: failures))
            }
        }
    }

    /// Retries of one batch's read: their backoff adds up to about 25 s.
    static let patience = 10

    private func deliver(_ payloads: [String]) async throws {
        var notified: [(id: Int64, recipient: String)] = []
        for payload in payloads {
            let (decoded, malformed) = CrossNodePayload.decode(payload)
            if malformed > 0 {
                logger.warning("ignoring malformed notification lines", metadata: ["lines": "\(malformed)"])
            }
            switch decoded {
            case .events(let events):
                notified += events.filter { sink.listens(to: $0.recipient) }.map { ($0.id, $0.recipient) }
            case .unknownVersion(let version):
                // A newer node's: what it says cannot be placed, so every local session reads
                // the store again from its cursor (what was delivered so far goes first).
                logger.warning(
                    "a notification from a newer node; resyncing local sessions",
                    metadata: ["version": "\(version)"])
                sink.publish(try await store.events(notified: notified))
                notified = []
                sink.resync()
            }
        }
        sink.publish(try await store.events(notified: notified))
    }
}

/// 0.1 s doubling to 5 s: a database restart is usually over in seconds.
enum ReconnectDelay {
    static func after(failures: Int) -> Duration {
        .milliseconds(min(5000, 100 << min(failures - 1, 6)))
    }
}
