import Foundation
import Logging
import MomentsCore
import PostgresNIO
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// The cross-node payload, and nodes of two versions on one database.
@Suite("Cross-node payloads: versions side by side")
struct CrossNodePayloadTests {
    typealias Event = CrossNodePayload.Event

    @Test("encoded with the version header, split under NOTIFY's limit, in order; read back the same")
    func roundTrip() {
        let events = (1...2000).map { Event(id: Int64($0), recipient: "user-\($0 % 97)") }
        let payloads = CrossNodePayload.encode(events)
        #expect(payloads.count > 1)
        #expect(payloads.allSatisfy { $0.hasPrefix("-2:\n") && $0.utf8.count <= CrossNodePayload.limit })
        var read: [Event] = []
        for payload in payloads {
            guard case .events(let some) = CrossNodePayload.decode(payload).decoded else {
                Issue.record("not read")
                return
            }
            read += some
        }
        #expect(read == events)
        #expect(CrossNodePayload.encode([]).isEmpty)
    }

    @Test("a version-1 payload (no header) is read; a newer version is recognised as one; malformed lines counted")
    func versions() {
        #expect(
            CrossNodePayload.decode("7:alice\n9:bob").decoded
                == .events([Event(id: 7, recipient: "alice"), Event(id: 9, recipient: "bob")]))
        #expect(CrossNodePayload.decode("-3:\nwhatever a newer node says").decoded == .unknownVersion(3))
        let (decoded, malformed) = CrossNodePayload.decode("-2:\n7:alice\ngarbage\n:x")
        #expect(decoded == .events([Event(id: 7, recipient: "alice")]) && malformed == 2)
        // What a version-1 node makes of the header: an event of id -2 for nobody.
        let header = "-2:"
        let colon = header.firstIndex(of: ":")!
        #expect(Int64(header[..<colon]) == -2 && header[header.index(after: colon)...].isEmpty)
    }

    @Test(
        "a node reads an older node's NOTIFY, and a newer node's it cannot read makes it resync: the socket gets both events",
        .enabled(if: TestPostgres.isConfigured, Comment(rawValue: TestPostgres.skipReason)))
    func mixedNodes() async throws {
        let url = try await TestPostgres.createDatabase()
        let address = try PostgresAddress(url)
        let server = try await TestServer.start { $0.postgres = address }
        defer { Task { try await server.stop() } }
        let socket = TestSocket(port: server.port, token: try await server.token("alice"))
        _ = try await socket.hello()
        try await eventually("subscribed") { server.server.hub.subscriptionCount == 1 ? true : nil }
        let quiet = Logger(label: "other-node", factory: { _ in SwiftLogNoOpLogHandler() })
        let other = try await PostgresConnection.connect(
            configuration: address.connectionConfiguration, id: 9, logger: quiet)
        // Another node's write: the event stored, then its NOTIFY in that node's format.
        func store(_ data: String) async throws -> Int64 {
            for try await id in try await other.query(
                """
                INSERT INTO events (recipient_id, type, data, created_at)
                VALUES ('alice', 'custom', \(data), \(StoreClock.now())) RETURNING id
                """, logger: quiet
            ).decode(Int64.self) { return id }
            throw TestFailure("no id")
        }
        // Closed however the test ends: PostgresNIO traps on a connection dropped unclosed.
        do {
            try await Self.olderAndNewer(socket: socket, other: other, store: store, logger: quiet)
        } catch {
            try? await other.close()
            throw error
        }
        try await other.close()
        socket.cancel()
    }

    static func olderAndNewer(
        socket: TestSocket, other: PostgresConnection, store: (String) async throws -> Int64, logger quiet: Logger
    ) async throws {
        let older = try await store(#"{"from":"a version-1 node"}"#)
        try await other.query("SELECT pg_notify(\(PostgresStore.channel), \("\(older):alice"))", logger: quiet)
        #expect(try await socket.event().id == older)
        let newer = try await store(#"{"from":"a version-3 node"}"#)
        try await other.query(
            "SELECT pg_notify(\(PostgresStore.channel), \("-3:\nsomething else entirely"))", logger: quiet)
        #expect(try await socket.event().id == newer)
    }
}
