import Foundation
import Logging
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("FileLogHandler")
struct FileLogHandlerTests {
    @Test("writes one line per message with level, label and sorted metadata")
    func line() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tui-log-\(UUID().uuidString)").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forWritingAtPath: path))
        var logger = Logger(label: "moments-tui") { FileLogHandler(label: $0, handle: handle) }
        logger[metadataKey: "b"] = "2"
        logger.warning("push reconnecting", metadata: ["a": "1"])
        try handle.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasSuffix(" warning moments-tui: push reconnecting a=1 b=2\n"))
        #expect(text.split(separator: "\n").count == 1)
    }
}
