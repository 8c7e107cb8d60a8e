import ArgumentParser

struct Friend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Make two existing users friends (both ways).")

    @Argument(help: "A user id.") var a: String
    @Argument(help: "Another user id.") var b: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        guard a != b else { throw ValidationError("a user cannot befriend themselves") }
        try await data.withServer { try await $0.store.befriend(a, b) }
    }
}
