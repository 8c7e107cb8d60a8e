import ArgumentParser
import Foundation

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue a login token (the default: `token USER`) or revoke a user's tokens.",
        subcommands: [Issue.self, Revoke.self], defaultSubcommand: Issue.self)

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a login token for USER (creating the user if missing); only the token goes to stdout.")

        @Argument(help: "User id.") var user: String
        @Option(help: "Lifetime, like 30m, 12h or 7d.") var ttl = TTL(argument: "7d")!
        @OptionGroup var data: DataOptions

        func run() async throws {
            try UserId.validate(user)
            let token = try await data.withServer { server in
                if try await server.store.user(id: user) == nil { try await server.store.saveUser(id: user, name: nil) }
                return try await server.tokens.issue(user: user, ttl: ttl.duration)
            }
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Refuse every token of USER issued until now, on every node within a second; their open connections close (4001)."
        )

        @Argument(help: "User id.") var user: String
        @OptionGroup var data: DataOptions

        func run() async throws {
            let before = try await data.withServer { try await $0.revokeTokens(of: user) }
            print("Tokens of \(user) issued before \(before.formatted(.iso8601)) are refused from now on.")
        }
    }
}
