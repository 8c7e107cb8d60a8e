import ArgumentParser
import Histogram

/// `likes`: the product path — a like over HTTP becomes a notification on its author's socket.
struct Likes: AsyncParsableCommand {
    /// What each user does to a friend's post.
    enum Reaction: String, ExpressibleByArgument, Sendable {
        case like, comment
    }

    static let configuration = CommandConfiguration(
        abstract: "Moments only: likes over HTTP at --rate; latency like → author's socket.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Likes per second.") var rate = 1000.0
    @Option(help: "Seconds to like for.") var seconds = 10.0
    @Option(
        help:
            "Each user likes the post of the user this many places on (a friend; 1…4 with populate's defaults). A post liked twice sends nothing, so use another distance for each run on the same store."
    )
    var distance = 1

    func validate() throws {
        guard options.target == .moments else { throw ValidationError("likes is Moments' own product path") }
        guard Int(rate * seconds) <= options.connections else {
            throw ValidationError("rate × seconds likes need as many users (--connections)")
        }
    }

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "likes", options: options)
            try await session.connect(into: &report)
            try await Self.measure(
                session, .like, rate: rate, seconds: seconds, distance: distance, into: &report)
            return report
        }
    }

    /// On connected sockets: each user likes (or comments on) the post of the user `distance`
    /// places on.
    static func measure(
        _ session: Session, _ reaction: Reaction, rate: Double, seconds: Double, distance: Int,
        into report: inout Report
    ) async throws {
        try await session.startPhase()
        let users = session.users
        let likers = users.indices.shuffled()
        let publisher = session.publisher
        let due = DueTimes()
        let mark = session.cpuMark()
        let start = Monotonic.now()
        let sent = await OpenLoop.run(count: Int(rate * seconds), rate: rate) { index, stamp in
            let liker = users[likers[index]]
            let author = (likers[index] + distance) % users.count
            due.set("\(liker.id) \(users[author].post)", stamp)
            switch reaction {
            case .like: await publisher.like(postOf: author, as: liker)
            case .comment: await publisher.comment(onPostOf: author, as: liker)
            }
        }
        report.add("achieved_rate", Double(sent) / Monotonic.seconds(since: start))
        let received = try await session.collect(expected: publisher.succeeded)
        // Per 1,000 accepted: each is a request, a transaction and a notification.
        mark.cost(until: session.cpuMark(), count: publisher.succeeded).add(into: &report)
        var histogram = Tally.emptyHistogram()
        for like in received.likes {
            if let stamp = due.get("\(like.actor) \(like.post)") {
                Tally.record(due: stamp, arrival: like.at, in: &histogram)
            }
        }
        session.account(expected: publisher.succeeded, received: received, into: &report)
        report.latency = Report.Latency(histogram)
    }
}
