import Foundation
import Testing

@testable import MomentsTestSupport

/// The data dir holds every user's posts and the node's secrets: readable by the server's user only.
@Suite("Private data dir")
struct DataDirTests {
    static func mode(_ url: URL) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    @Test("a new data dir is 0700 and every file in it, the SQLite WAL and shared memory included, 0600")
    func newDir() async throws {
        let server = try await TestServer.start()
        _ = try await server.api("bob").like(postId: 1)  // a write: the WAL exists
        let dir = server.dataDir
        #expect(try Self.mode(dir) == 0o700)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        for name in ["moments.sqlite", "moments.sqlite-wal", "moments.sqlite-shm", "api-key"] {
            #expect(names.contains(name), "\(name) missing from \(names)")
        }
        for name in names {
            #expect(try Self.mode(dir.appendingPathComponent(name)) == 0o600, "\(name)")
        }
        try await server.stop()
    }

    @Test("an existing dir and files open to others are tightened when the server opens them")
    func existingDir() async throws {
        let first = try await TestServer.start()
        try await first.stop()
        let dir = first.dataDir
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent(name).path)
        }
        let second = try await TestServer.start(dataDir: dir, demo: false)
        #expect(try Self.mode(dir) == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            #expect(try Self.mode(dir.appendingPathComponent(name)) == 0o600, "\(name)")
        }
        try await second.stop()
    }
}
