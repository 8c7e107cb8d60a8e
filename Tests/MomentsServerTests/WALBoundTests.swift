import Foundation
import GRDB
import Testing

@testable import MomentsStore

/// Writes that never stop leave the writer no idle moment, so no checkpoint can restart the
/// write-ahead log: before `LogTruncation` it grew for as long as they went on (8 GB in two
/// minutes of broadcasts). Now it is emptied between commits whenever it passes its limit.
@Suite("The write-ahead log under writes that never stop")
struct WALBoundTests {
    @Test("four writers broadcasting without a pause: the log is emptied again and again and stays small")
    func bounded() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("wal-\(UUID().uuidString)").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let limit = 256  // frames: 1 MB
        let pool = try SQLiteStore.filePool(path)  // first: it puts the file in WAL mode
        let checkpointer = try WALCheckpointer(path: path, every: .milliseconds(50), frameLimit: limit)
        let store = try SQLiteStore(
            writer: pool, sink: StoreContractTests.NoSink(), checkpointer: checkpointer, mediaFolder: nil,
            logger: SQLiteStore.silent, schemaSteps: SQLiteSchema.steps.count, committedBatch: { _ in })
        for n in 0..<300 { try await store.saveUser(id: "u\(n)", name: nil) }

        let writers = 4
        let broadcasts = 100
        let sampler = Task {
            var largest: Int64 = 0
            while !Task.isCancelled {
                let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0
                largest = max(largest, size ?? 0)
                try? await Task.sleep(for: .milliseconds(5))
            }
            return largest
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for n in 0..<broadcasts {
                        _ = try await store.publish(
                            to: nil,
                            data: #"{"writer":\#(writer),"n":\#(n),"pad":"\#(String(repeating: "x", count: 200))"}"#)
                    }
                }
            }
            try await group.waitForAll()
        }
        sampler.cancel()
        let largest = await sampler.value
        let database = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
        print(
            "◇ WAL: largest \(largest) bytes, truncated \(checkpointer.truncation.done) times, database \(database) bytes"
        )
        #expect(checkpointer.truncation.done >= 2)
        // A broadcast to 300 users touches some 300 index pages: each writes about a megabyte
        // to the log, so without truncation it ends past 600 MB (seen here), and with it
        // within a few intervals' writes of the limit.
        #expect(largest < 64 << 20)
        #expect(try await store.events(user: "u7", after: 0, limit: 1000).count == writers * broadcasts)
        await store.close()
    }
}
