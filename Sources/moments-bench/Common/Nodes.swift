import ArgumentParser

/// The server under test: one endpoint, or the nodes of a cluster (`http://A:1,http://B:2`).
/// Subscriber number `i` (its place in the users file) lives on node `i % count`, so the
/// coordinator and every worker agree where a user is without telling each other.
struct Nodes: Sendable, ExpressibleByArgument {
    let endpoints: [Endpoint]

    init?(argument: String) {
        let endpoints = argument.split(separator: ",").map { Endpoint(argument: String($0)) }
        guard !endpoints.isEmpty, endpoints.allSatisfy({ $0 != nil }) else { return nil }
        self.endpoints = endpoints.compactMap { $0 }
    }

    var count: Int { endpoints.count }
    var first: Endpoint { endpoints[0] }
    var isCluster: Bool { endpoints.count > 1 }
    var argument: String { endpoints.map(\.url).joined(separator: ",") }

    /// The node subscriber number `position` connects to first.
    func home(of position: Int) -> Int { position % endpoints.count }
}
