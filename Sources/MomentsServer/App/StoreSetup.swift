import Foundation
import Logging
import MomentsPush
import MomentsStore
import ServiceLifecycle

/// The store a node runs on, opened with what comes with it, so nothing above has to ask which
/// one it got: the embedded SQLite store publishes to the hub itself; the shared PostgreSQL one
/// comes with the cross-node feed that does. The token secret and the publish key live where
/// the store does (the data dir, or the shared database, so every node accepts every node's).
struct StoreSetup {
    let store: any MomentsStore
    /// Services to run beside the server (the PostgreSQL feed), shut down after it.
    let services: [any Service]
    let signingSecret: [UInt8]
    let publisherKey: String

    static func open(
        _ configuration: ServerConfiguration, hub: PushHub, metrics: ServerMetrics, readiness: Readiness,
        logger: Logger
    ) async throws -> StoreSetup {
        let committed: @Sendable (Int) -> Void = { writes in
            metrics.committed(writes)
            readiness.committed(writes)
        }
        if let address = configuration.postgres {
            let store = try await PostgresStore.open(
                address, connectionWait: configuration.postgresWait, logger: logger, committedBatch: committed)
            let secret: [UInt8]
            if let fromEnvironment = try SigningSecret.fromEnvironment() {
                secret = fromEnvironment
            } else {
                secret = Array(try await store.sharedSetting("signing_secret", proposal: SigningSecret.generate()).utf8)
            }
            return StoreSetup(
                store: store,
                services: [PostgresFeed(store: store, sink: hub, listening: readiness.listening, logger: logger)],
                signingSecret: secret, publisherKey: try await PublisherKey.shared(by: store.sharedSetting))
        }
        try PrivateDataDir.prepare(configuration.dataDir, database: configuration.databasePath, logger: logger)
        return StoreSetup(
            store: try SQLiteStore(
                path: configuration.databasePath, sink: hub, logger: logger, committedBatch: committed),
            services: [],
            signingSecret: try SigningSecret.load(dataDir: configuration.dataDir),
            publisherKey: try PublisherKey.load(dataDir: configuration.dataDir))
    }
}
