import ArgumentParser
import Foundation
import MomentsServer

/// Fills a store with many users for load tests (`moments-bench`): one post each, friends with
/// their next neighbours so that likes and comments between neighbours are allowed.
struct Populate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Create users PREFIX0…PREFIX(N-1), one post each, friends with their next neighbours; print 'user token post' lines.",
        shouldDisplay: false)

    @Option(help: "How many users.") var users = 1000
    @Option(help: "User id prefix.") var prefix = "u"
    @Option(help: "Each user befriends this many following users (ring).") var neighbours = 4
    @Option(help: "Token lifetime, like 12h.") var ttl = TTL(argument: "1d")!
    @OptionGroup var data: DataOptions

    func validate() throws {
        guard users > 0 else { throw ValidationError("--users must be positive") }
        try UserId.validate("\(prefix)\(users - 1)")
    }

    func run() async throws {
        let lines = try await data.withServer { server in
            let ids = (0..<users).map { "\(prefix)\($0)" }
            for id in ids { try await server.store.saveUser(id: id, name: nil) }
            for (index, id) in ids.enumerated() where users > 1 {
                for step in 1...min(neighbours, users - 1) {
                    let other = ids[(index + step) % users]
                    if other != id { try await server.store.befriend(id, other) }
                }
            }
            var lines: [String] = []
            lines.reserveCapacity(users)
            for id in ids {
                let post = try await server.store.createPost(author: id, text: "bench post of \(id)")
                let token = try await server.tokens.issue(user: id, ttl: ttl.duration)
                lines.append("\(id) \(token) \(post.id)")
            }
            return lines
        }
        print(lines.joined(separator: "\n"))
    }
}
