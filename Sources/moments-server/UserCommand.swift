import ArgumentParser

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user, or rename an existing one.")

        @Argument(help: "User id: 1-32 of a-z, 0-9, _ and -.") var id: String
        @Option(help: "Display name.") var name: String?
        @OptionGroup var data: DataOptions

        func run() async throws {
            try UserId.validate(id)
            _ = try await data.withServer { try await $0.store.saveUser(id: id, name: name) }
        }
    }
}

enum UserId {
    static func validate(_ id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")
        guard (1...32).contains(id.count), id.allSatisfy(allowed.contains) else {
            throw ValidationError("user id must be 1-32 characters of a-z, 0-9, _ and -")
        }
    }
}
