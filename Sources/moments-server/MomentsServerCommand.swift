import ArgumentParser

@main
struct MomentsServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "moments-server",
        abstract: "The Moments push server: REST API plus WebSocket, long-polling and polling push.",
        subcommands: [
            Serve.self, Token.self, Friend.self, Unfriend.self, UserCommand.self, APIKey.self, Populate.self,
            Backup.self, Restore.self,
        ],
        defaultSubcommand: Serve.self)
}
