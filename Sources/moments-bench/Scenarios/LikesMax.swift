import ArgumentParser
import Histogram

/// `likes-max`: the highest like rate Moments sustains (like over HTTP → notification on the
/// author's socket) with p99 within the limit and nothing lost, by a rate ladder.
struct LikesMax: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "likes-max",
        abstract:
            "Moments only: likes at rising rates until the server stops keeping up; the highest step within --p99-limit is the sustained rate.",
        discussion:
            "A post liked twice by the same user sends nothing, so every like of the ladder is a distinct (liker, post) pair: each connected user's post is liked by its friends (populate's ring: the --friends users on either side). The ladder ends early, with exhausted = 1, when the pairs run out."
    )

    @OptionGroup var options: CommonOptions
    @OptionGroup var ladder: LadderOptions
    @Option(help: "Offered rates per second, in order.", transform: LadderOptions.rates)
    var rates = [1000.0, 2000, 3000, 4000, 6000, 8000, 10000, 12000, 15000, 20000]
    @Option(help: "Friends on each side of a user in the ring: populate's --neighbours (4 by default).")
    var friends = 4

    func validate() throws {
        guard options.target == .moments else { throw ValidationError("likes-max is Moments' own product path") }
        guard friends > 0 else { throw ValidationError("--friends must be positive") }
    }

    /// Every (liker, author) pair of friends among the connected users, in random order so
    /// consecutive likes go to different authors. The ring is not wrapped: when fewer users are
    /// connected than the store has, the last and the first are no friends.
    static func pairs(users: Int, friends: Int) -> [(liker: Int, author: Int)] {
        var pairs: [(liker: Int, author: Int)] = []
        for author in 0..<users {
            for step in 1...friends {
                if author + step < users { pairs.append((author + step, author)) }
                if author - step >= 0 { pairs.append((author - step, author)) }
            }
        }
        return pairs.shuffled()
    }

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "likes-max", options: options)
            try await session.connect(into: &report)
            let users = session.users
            let publisher = session.publisher
            let pairs = Self.pairs(users: users.count, friends: friends)
            report.add("pairs", pairs.count)
            let due = DueTimes()
            try await Ladder(options: ladder, session: session).climb(
                rates: rates, available: pairs.count, into: &report
            ) { rate, count, offset in
                _ = await OpenLoop.run(count: count, rate: rate) { index, stamp in
                    let (liker, author) = pairs[offset + index]
                    due.set("\(users[liker].id) \(users[author].post)", stamp)
                    await publisher.like(postOf: author, as: users[liker])
                }
            } measure: { received, since in
                // A like frame carries no time of ours: its pair says when it was due, and a
                // pair due before this step is a straggler from an earlier one.
                var histogram = Tally.emptyHistogram()
                var delivered = 0
                for like in received.likes {
                    guard let stamp = due.get("\(like.actor) \(like.post)"), stamp >= since else { continue }
                    Tally.record(due: stamp, arrival: like.at, in: &histogram)
                    delivered += 1
                }
                return (delivered, histogram)
            }
            return report
        }
    }
}
