import Foundation
import GRDB
import MomentsPush
import Testing

@testable import MomentsServer
@testable import MomentsStore
@testable import MomentsTestSupport

/// `moments-server serve` that cannot start says what to fix: one line on stderr naming the
/// thing, the value and the flag, exit status 1, and no "listening on" (scripts wait for it).
@Suite("moments-server's start-up errors")
struct StartupErrorTests {
    static func serve(_ flags: [String], environment: [String: String] = [:]) async throws -> (
        status: Int32, out: String, err: String
    ) {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("moments-start-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        var arguments = ["serve", "--data-dir", data.path] + flags
        if !flags.contains("--port") { arguments += ["--port", "0"] }
        if !flags.contains("--metrics-address") { arguments += ["--metrics-address", "none"] }
        return try await run(try Binaries.path("moments-server"), arguments, environment: environment)
    }

    static func expectOneLine(
        _ result: (status: Int32, out: String, err: String), _ line: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.err == "Error: \(line)\n", sourceLocation: sourceLocation)
        #expect(!result.out.contains("listening on"), sourceLocation: sourceLocation)
    }

    @Test("the metrics port in use by another program")
    func metricsPortInUse() async throws {
        let held = try HeldPort()
        defer { held.release() }
        Self.expectOneLine(
            try await Self.serve(["--metrics-address", "127.0.0.1:\(held.port)"]),
            "cannot listen for metrics on 127.0.0.1:\(held.port): address in use — another moments-server? set --metrics-address"
        )
    }

    @Test("the API's port in use by another program")
    func portInUse() async throws {
        let held = try HeldPort()
        defer { held.release() }
        Self.expectOneLine(
            try await Self.serve(["--port", "\(held.port)"]),
            "cannot listen for requests on 127.0.0.1:\(held.port): address in use — another moments-server? set --port")
    }

    @Test("metrics asked for on the API's own port")
    func samePortTwice() async throws {
        let port = try freePort()
        Self.expectOneLine(
            try await Self.serve(["--port", "\(port)", "--metrics-address", "127.0.0.1:\(port)"]),
            "cannot listen for metrics on 127.0.0.1:\(port): --port has it already — set --metrics-address")
    }

    @Test("a host that is not this machine's")
    func foreignAddress() async throws {
        Self.expectOneLine(
            try await Self.serve(["--metrics-address", "192.0.2.1:9464"]),
            "cannot listen for metrics on 192.0.2.1:9464: no such address on this machine — set --metrics-address")
    }

    @Test("a data dir that is a file, or below one")
    func dataDirIsAFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("moments-file-\(UUID().uuidString)")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        Self.expectOneLine(
            try await Self.serve(["--data-dir", file.path]), "data dir \(file.path) is a file, not a directory")
        let below = file.appendingPathComponent("data").path
        Self.expectOneLine(
            try await Self.serve(["--data-dir", below]),
            "cannot create data dir \(below): \(file.path) is a file")
    }

    @Test("a PostgreSQL URL where nothing answers")
    func postgresRefused() async throws {
        let port = try freePort()
        Self.expectOneLine(
            try await Self.serve(["--postgres", "postgres://moments:hunter2@127.0.0.1:\(port)/moments"]),
            "cannot connect to postgres://moments@127.0.0.1:\(port)/moments: connection refused — is PostgreSQL running there? check --postgres"
        )
    }

    @Test("a signing secret that is too short")
    func shortSecret() async throws {
        Self.expectOneLine(
            try await Self.serve([], environment: ["MOMENTS_SECRET": "too short"]),
            "MOMENTS_SECRET must be at least 32 bytes long")
    }

    @Test("a database a newer release upgraded past what this one can read")
    func databaseTooNew() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("moments-newer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        try FileManager.default.createDirectory(
            at: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = data.appendingPathComponent(ServerConfiguration.databaseName).path
        try await SQLiteStore(path: path, sink: PushHub()).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE settings SET value = '99' WHERE key = 'oldest_reader'")
        }
        try queue.close()
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        Self.expectOneLine(
            try await Self.serve(["--data-dir", data.path]),
            "this database needs a newer moments-server (one that knows schema v99); this one knows up to v\(SQLiteSchema.steps.count)"
        )
    }

    @Test("with every listener bound, \"listening on\" comes first, then the metrics line")
    func listeningOnceBound() async throws {
        let server = try await ServerProcess([])  // metrics on 127.0.0.1:0
        defer { server.stop() }
        let metrics = try await server.metricsText()
        #expect(metrics.contains("moments_"))
        let out = try String(contentsOf: server.output, encoding: .utf8)
        let listening = try #require(out.range(of: "moments-server listening on"))
        let metricsLine = try #require(out.range(of: "metrics on http://"))
        #expect(listening.lowerBound < metricsLine.lowerBound)
    }
}
