import Foundation
import NIOSSL
import PostgresNIO

/// `postgres://user[:password]@host[:port]/database[?sslmode=require]`, as `--postgres` takes it.
public struct PostgresAddress: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let username: String
    let password: String?
    public let database: String
    let requireTLS: Bool

    public init(_ url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty, let username = components.user
        else {
            throw StoreSetupError(
                "--postgres must look like postgres://user[:password]@host[:port]/database, got \(url)")
        }
        self.host = host
        port = components.port ?? 5432
        self.username = username
        password = components.password
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        database = path.isEmpty ? username : path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        requireTLS = ["require", "verify-ca", "verify-full"].contains(mode)
    }

    /// Without the password, for logs and messages.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)" }

    /// PostgresNIO's 10 s is short for a loaded machine whose disk is busy (seen in a CI-like
    /// run: several connections at once timed out); a node waiting longer at start loses nothing.
    static let connectTimeout: Duration = .seconds(30)

    var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.connectTimeout = Self.connectTimeout
        return configuration
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        get throws {
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database,
                tls: requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable)
            configuration.options.connectTimeout = TimeAmount(Self.connectTimeout)
            return configuration
        }
    }
}
