import ArgumentParser
import MomentsStore

struct Unfriend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End the friendship of two users (both ways); each is told, as when they end it in the app.")

    @Argument(help: "A user id.") var a: String
    @Argument(help: "Another user id.") var b: String
    @OptionGroup var data: DataOptions

    func run() async throws {
        guard a != b else { throw ValidationError("a user cannot unfriend themselves") }
        do {
            try await data.withServer { try await $0.store.unfriend(a, b) }
        } catch StoreError.notFound {
            throw StoreError.notFound("\(a) and \(b) are not friends")
        }
    }
}
