import ArgumentParser

/// `comments`: the comment path — a comment over HTTP becomes a notification on its post's
/// author's socket, after the privacy rule decides who may see it.
struct Comments: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Moments only: comments over HTTP at --rate; latency comment → author's socket.",
        discussion:
            "Each post gets one comment a run (from the user --distance places before its author), so its author is the only one told; on a fresh store, earlier commenters would be told too."
    )

    @OptionGroup var options: CommonOptions
    @Option(help: "Comments per second.") var rate = 1000.0
    @Option(help: "Seconds to comment for.") var seconds = 10.0
    @Option(help: "Each user comments on the post of the user this many places on (a friend: 1…4).") var distance = 1

    func validate() throws {
        guard options.target == .moments else { throw ValidationError("comments is Moments' own product path") }
        guard Int(rate * seconds) <= options.connections else {
            throw ValidationError("rate × seconds comments need as many users (--connections)")
        }
    }

    func run() async throws {
        try await Session.with(options) { session in
            var report = Report(scenario: "comments", options: options)
            try await session.connect(into: &report)
            try await Likes.measure(
                session, .comment, rate: rate, seconds: seconds, distance: distance, into: &report)
            return report
        }
    }
}
