import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// `moments-bench worker`: one generator process holding a share of the sockets. The
/// coordinator starts several (each process may open only `ulimit -n` files) and talks to them
/// in JSON lines over stdin/stdout.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A generator process (started by the scenarios).", shouldDisplay: false)

    @Option var target: Target
    @Option var url: Nodes
    @Option var usersFile: String?
    @Option var users: Int
    @Option var index: Int
    @Option var of: Int
    @Option var sourceAddress: String?

    /// Connection attempts in flight at once per worker.
    static let connectConcurrency = 256

    func run() async throws {
        let mine = try BenchUser.load(file: usersFile, count: users).enumerated()
            .filter { $0.offset % of == index }
        let source = try sourceAddress.map { try SocketAddress(ipAddress: $0, port: 0) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tally = Tally()
        let subscribers = mine.map {
            WebSocketSubscriber(
                user: $0.element, target: target, tally: tally, nodes: url, home: url.home(of: $0.offset), group: group,
                source: source)
        }

        for await line in Self.commands() {
            let command = try JSONDecoder().decode(WorkerCommand.self, from: Data(line.utf8))
            var reply = WorkerReply()
            switch command.kind {
            case .connect:
                reply = await forEach(subscribers) { try await $0.connect() }
            case .reconnect:
                await Self.drop(subscribers)
                reply = await forEach(subscribers) { try await $0.reconnect() }
            case .poll:
                reply = await forEach(mine) { user in
                    try await LongPollSubscriber.start(
                        user: user.element, target: target, tally: tally, on: group,
                        to: url.endpoints[url.home(of: user.offset)], from: source)
                }
            case .reset:
                tally.reset(since: command.since)
            case .report:
                tally.report(into: &reply)
            case .quit:
                // Dropped first: a socket closed by the shutdown would count as its node's loss.
                await Self.drop(subscribers)
                try? await group.shutdownGracefully()
                return
            }
            let json = try JSONEncoder().encode(reply)
            FileHandle.standardOutput.write(json + Data("\n".utf8))
        }
    }

    private static func drop(_ subscribers: [WebSocketSubscriber]) async {
        await withTaskGroup(of: Void.self) { drops in
            for subscriber in subscribers { drops.addTask { await subscriber.drop() } }
        }
    }

    /// Runs `body` for every element, `connectConcurrency` at a time, counting outcomes.
    private func forEach<Element: Sendable>(
        _ elements: [Element], _ body: @escaping @Sendable (Element) async throws -> Void
    ) async -> WorkerReply {
        await withTaskGroup(of: String?.self) { group in
            var reply = WorkerReply()
            var iterator = elements.makeIterator()
            func record(_ error: String?) {
                if let error {
                    reply.failed += 1
                    if reply.errors.count < 5, !reply.errors.contains(error) { reply.errors.append(error) }
                } else {
                    reply.connected += 1
                }
            }
            for _ in 0..<Self.connectConcurrency {
                guard let element = iterator.next() else { break }
                group.addTask { await Self.outcome { try await body(element) } }
            }
            while let outcome = await group.next() {
                record(outcome)
                if let element = iterator.next() {
                    group.addTask { await Self.outcome { try await body(element) } }
                }
            }
            return reply
        }
    }

    private static func outcome(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// Lines from stdin, read on their own thread so no async thread blocks on the pipe.
    private static func commands() -> AsyncStream<String> {
        AsyncStream { continuation in
            Thread {
                while let line = readLine() { continuation.yield(line) }
                continuation.finish()
            }.start()
        }
    }
}
