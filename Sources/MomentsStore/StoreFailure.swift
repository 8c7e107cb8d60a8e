import GRDB
import PostgresNIO

/// What a store's error means to the layers above, whichever database threw it: they decide
/// their answer (404, 503, 507, 500) and their log line from this alone.
public enum StoreFailure: Equatable, Sendable {
    /// `StoreError.notFound`: nothing to act on, or not the caller's to see.
    case notFound(String)
    /// `StoreError.refused`: a rule of the domain the request broke.
    case refused(Refusal)
    /// The shared database could not take the request: no connection within the pool's wait,
    /// or the connection lost under it (PostgreSQL shut down or restarted, the network cut).
    /// Not a bug, and the same request works once PostgreSQL answers (a write under its
    /// Idempotency-Key is done once, even if the lost connection had committed it).
    case unavailable
    /// A write refused for lack of space: SQLite's `SQLITE_FULL` (the disk, or
    /// `max_page_count`), PostgreSQL's `53100 disk_full`. Rolled back; writes work again once
    /// there is space, without a restart.
    case full
    /// Anything else: a bug to log.
    case other

    public init(_ error: any Error) {
        if case StoreError.notFound(let what) = error {
            self = .notFound(what)
        } else if case StoreError.refused(let refusal) = error {
            self = .refused(refusal)
        } else if Self.isUnavailable(error) {
            self = .unavailable
        } else if Self.isFull(error) {
            self = .full
        } else {
            self = .other
        }
    }

    /// What went wrong, in words an operator can act on: `PSQLError`'s own description is
    /// generic on purpose.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }

    static func isUnavailable(_ error: any Error) -> Bool {
        if case StoreError.unavailable = error { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            // A connection postgres-nio closed for a protocol error of its own is a bug, not an outage.
            guard let underlying = error.underlying as? PSQLError else { return true }
            return isUnavailable(underlying)
        case .server:
            // Class 08, connection exception (not 08P01, a protocol violation: a bug); 57P0x: the
            // server shutting down or not yet up.
            let state = error.serverInfo?[.sqlState] ?? ""
            return (state.hasPrefix("08") && state != "08P01") || state.hasPrefix("57P")
        default:
            return false
        }
    }

    static func isFull(_ error: any Error) -> Bool {
        if let error = error as? DatabaseError { return error.resultCode == .SQLITE_FULL }
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "53100" }
        return false
    }
}

/// The store could not be opened as configured (an address it cannot reach, a data dir it
/// cannot make private): printed as one line, and the server does not start.
public struct StoreSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
