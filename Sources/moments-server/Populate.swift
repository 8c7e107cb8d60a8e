import ArgumentParser
import Foundation
import MomentsServer
import NIOConcurrencyHelpers

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
            try await Self.each(ids.indices) { index in _ = try await server.store.saveUser(id: ids[index], name: nil) }
            // Each pair once: in a small ring the same two users meet from both sides, and two
            // transactions befriending one pair at once may deadlock in PostgreSQL.
            var pairs = Set<[Int]>()
            for index in ids.indices where users > 1 {
                for step in 1...min(neighbours, users - 1) {
                    let other = (index + step) % users
                    if other != index { pairs.insert([min(index, other), max(index, other)]) }
                }
            }
            let ordered = Array(pairs)
            try await Self.each(ordered.indices) { pair in
                try await server.store.befriend(ids[ordered[pair][0]], ids[ordered[pair][1]])
            }
            let lines = NIOLockedValueBox([String](repeating: "", count: users))
            try await Self.each(ids.indices) { index in
                let id = ids[index]
                let post = try await server.store.createPost(author: id, text: "bench post of \(id)")
                let token = try await server.tokens.issue(user: id, ttl: ttl.duration)
                lines.withLockedValue { $0[index] = "\(id) \(token) \(post.id)" }
            }
            return lines.withLockedValue { $0 }
        }
        print(lines.joined(separator: "\n"))
    }

    /// Runs `body` for every index, 32 at a time: PostgreSQL takes a hundred thousand users in
    /// minutes this way, where one at a time took a round trip (and a commit) each.
    private static func each(_ indices: Range<Int>, _ body: @escaping @Sendable (Int) async throws -> Void) async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = indices.makeIterator()
            for _ in 0..<32 {
                guard let index = next.next() else { break }
                group.addTask { try await body(index) }
            }
            while try await group.next() != nil {
                if let index = next.next() { group.addTask { try await body(index) } }
            }
        }
    }
}
