import ArgumentParser
import Foundation
import MomentsServer
import MomentsStore

struct DataOptions: ParsableArguments {
    @Option(help: "Folder holding the SQLite store and the token secret.")
    var dataDir = "moments-data"

    @Option(
        help: ArgumentHelp(
            "Use this PostgreSQL database (shared by several nodes) instead of the SQLite store (or MOMENTS_POSTGRES).",
            valueName: "postgres://user@host:port/db"))
    var postgres: String?

    var url: URL { URL(fileURLWithPath: dataDir) }

    /// Where the store is, for messages.
    var storeDescription: String {
        get throws { try postgresAddress.map(\.description) ?? dataDir }
    }

    var postgresAddress: PostgresAddress? {
        get throws {
            guard let url = postgres ?? ProcessInfo.processInfo.environment["MOMENTS_POSTGRES"], !url.isEmpty else {
                return nil
            }
            return try PostgresAddress(url)
        }
    }

    func openServer(_ tweak: (inout ServerConfiguration) -> Void = { _ in }) async throws -> MomentsServer {
        var configuration = ServerConfiguration()
        configuration.dataDir = url
        configuration.postgres = try postgresAddress
        tweak(&configuration)
        return try await MomentsServer(configuration: configuration)
    }

    /// Opens the store for a one-off command and closes it afterwards.
    func withServer<T>(_ body: (MomentsServer) async throws -> T) async throws -> T {
        let server = try await openServer()
        do {
            let result = try await body(server)
            await server.store.close()
            return result
        } catch {
            await server.store.close()
            throw error
        }
    }
}
