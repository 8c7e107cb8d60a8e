import ArgumentParser

/// Host and port of the server under test, from `http://HOST:PORT`.
struct Endpoint: Sendable, Codable, ExpressibleByArgument {
    let host: String
    let port: Int

    init?(argument: String) {
        guard argument.hasPrefix("http://") else { return nil }
        let rest = argument.dropFirst("http://".count).split(separator: "/", maxSplits: 1).first ?? ""
        let parts = rest.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        self.host = String(parts[0])
        self.port = port
    }

    var url: String { "http://\(host):\(port)" }
}
