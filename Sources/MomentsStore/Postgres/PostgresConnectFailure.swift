import NIOCore
import NIOPosix
import PostgresNIO

/// Why a first connection to PostgreSQL failed, in words a person starting a node can act on:
/// nothing listening, no answer, a refused login — rather than the client library's nested
/// error values.
enum PostgresConnectFailure {
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }  // PostgreSQL's own words
            if let underlying = error.underlying { return describe(underlying) }
            return "\(error.code)"
        }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describe(first.error) }
            if let resolution = error.dnsAAAAError ?? error.dnsAError { return "unknown host (\(resolution))" }
        }
        switch (error as? IOError)?.errnoCode {
        case ECONNREFUSED: return "connection refused — is PostgreSQL running there? check --postgres"
        case ETIMEDOUT, EHOSTUNREACH, ENETUNREACH: return "no answer — check --postgres and the network"
        default: break
        }
        if case ChannelError.connectTimeout(let after) = error {
            return "no answer within \(after.nanoseconds / 1_000_000_000) s — check --postgres and the network"
        }
        return "\(error)"
    }
}
