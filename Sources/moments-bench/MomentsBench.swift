import ArgumentParser

@main
struct MomentsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moments-bench",
        abstract: "Push load generator for Moments (or Nchan): each scenario prints a table and one JSON line.",
        discussion:
            "Exit status 2 when messages were lost or duplicated, or publishing failed (in a rate ladder: in a step that kept up).",
        subcommands: [
            Connect.self, Unicast.self, Likes.self, Comments.self, FeedReads.self, Broadcast.self, Storm.self,
            LongPoll.self, UnicastMax.self,
            LikesMax.self, Soak.self, Cluster.self, NodeLoss.self, RollingRestart.self, Suite.self, Worker.self,
            PictureCommand.self, FetchCommand.self,
        ])
}
