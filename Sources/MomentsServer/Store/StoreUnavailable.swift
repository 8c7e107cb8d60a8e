import PostgresNIO

/// A request the shared database could not take: no connection within the pool's wait, or the
/// connection lost under it (PostgreSQL shut down or restarted, the network cut). Answered 503
/// `store_unavailable`, not 500: it is not a bug, and the same request works once PostgreSQL
/// answers (a write under its Idempotency-Key is done once, even if the lost connection had
/// committed it).
enum StoreUnavailable {
    static func matches(_ error: any Error) -> Bool {
        if case StoreError.unavailable = error { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            // A connection postgres-nio closed for a protocol error of its own is a bug, not an outage.
            guard let underlying = error.underlying as? PSQLError else { return true }
            return matches(underlying)
        case .server:
            // Class 08, connection exception (not 08P01, a protocol violation: a bug); 57P0x: the
            // server shutting down or not yet up.
            let state = error.serverInfo?[.sqlState] ?? ""
            return (state.hasPrefix("08") && state != "08P01") || state.hasPrefix("57P")
        default:
            return false
        }
    }
}
