import Logging
import MomentsCore
import PostgresNIO
import ServiceLifecycle

/// Cross-node push over PostgreSQL: LISTEN on the store's channel and hand each committed
/// event to this node's sessions of its recipient.
///
/// A NOTIFY payload holds a group commit's events as `EVENT_ID:USER_ID` lines, in id order
/// (a big batch is split over several NOTIFYs under the 8000-byte limit). Events are read
/// from the store once per node, only for users with a session here, in batches: what arrived
/// while the last batch was read is read together. If the LISTEN connection drops, the node
/// reconnects and then resyncs every local session from its cursor, so nothing committed while
/// it was deaf is lost.
struct PostgresFanout: Service {
    let store: PostgresStore
    let hub: PushHub
    let readiness: Readiness
    let logger: Logger

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            var listenedBefore = false
            var failures = 0
            while !Task.isCancelled {
                readiness.listening(false)
                do {
                    let connection = try await PostgresConnection.connect(
                        configuration: try store.address.connectionConfiguration, id: 1, logger: logger)
                    do {
                        try await connection.listen(on: PostgresStore.channel) { notifications in
                            if listenedBefore {
                                logger.info("listening again; resyncing local sessions from their cursors")
                                hub.resync()
                            }
                            listenedBefore = true
                            failures = 0
                            readiness.listening(true)
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
                    readiness.listening(false)
                    failures += 1
                    logger.warning("cross-node feed interrupted", metadata: ["error": "\(PostgresPool.reason(error))"])
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
            } catch  where StoreUnavailable.matches(error) && failures < Self.patience && !Task.isCancelled {
                failures += 1
                logger.warning(
                    "cross-node events waiting for the database",
                    metadata: ["error": "\(PostgresPool.reason(error))", "attempt": "\(failures)"])
                try await Task.sleep(for: ReconnectDelay.after(failures: failures))
            }
        }
    }

    /// Retries of one batch's read: their backoff adds up to about 25 s.
    static let patience = 10

    private func deliver(_ payloads: [String]) async throws {
        var notified: [(id: Int64, recipient: String)] = []
        for payload in payloads {
            for line in payload.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":"), let id = Int64(line[..<colon]) else {
                    logger.warning("ignoring a malformed notification", metadata: ["line": "\(line)"])
                    continue
                }
                let user = String(line[line.index(after: colon)...])
                if hub.hasSubscriptions(user: user) { notified.append((id, user)) }
            }
        }
        hub.publish(try await store.deliveries(notified: notified))
    }
}

/// 0.1 s doubling to 5 s: a database restart is usually over in seconds.
enum ReconnectDelay {
    static func after(failures: Int) -> Duration {
        .milliseconds(min(5000, 100 << min(failures - 1, 6)))
    }
}
