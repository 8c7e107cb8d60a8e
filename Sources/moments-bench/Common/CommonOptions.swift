import ArgumentParser
import Foundation

/// What every scenario needs to know about the server under test and the generator.
struct CommonOptions: ParsableArguments {
    @Option(help: "moments or nchan.") var target: Target = .moments
    @Option(help: "The server, http://HOST:PORT, or a cluster's nodes separated by commas.") var url: Nodes
    @Option(help: "Users as `moments-server populate` prints them (Moments); Nchan needs none.")
    var usersFile: String?
    @Option(name: .customLong("connections"), help: "Subscribers (one user each).") var connections = 1000
    @Option(help: "Generator processes sharing the sockets.") var workers = 2
    @Option(help: "The server's pid (its children count too), for CPU and memory; once per node of a cluster.")
    var serverPid: [Int32] = []
    @Option(help: "PostgreSQL's postmaster pid (its backends count too), for the database's CPU.")
    var postgresPid: Int32?
    @Option(help: "Moments' X-API-Key (or MOMENTS_API_KEY).") var apiKey: String?
    @Option(help: "Figure label in the report (e.g. a round number).") var label: String?

    func validate() throws {
        guard connections > 0, workers > 0 else {
            throw ValidationError("--connections and --workers must be positive")
        }
        if target == .moments, usersFile == nil {
            throw ValidationError("--users-file is needed for Moments (moments-server populate writes it)")
        }
    }

    var publisherKey: String {
        apiKey ?? ProcessInfo.processInfo.environment["MOMENTS_API_KEY"] ?? ""
    }
}
