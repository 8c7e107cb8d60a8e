import ArgumentParser

struct APIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key", abstract: "Print the X-API-Key backend services publish with (POST /api/publish).")

    @OptionGroup var data: DataOptions

    func run() async throws {
        print(try await data.withServer { $0.publisherKey })
    }
}
