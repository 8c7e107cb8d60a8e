import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import WSClient

/// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol, through the
/// same WebSocket client the product uses.
final class Browser {
    private let child: Child
    private let profile: URL
    let devToolsPort: Int

    static var executable: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile)
    }

    init(width: Int = 1500, height: Int = 1000) async throws {
        guard let executable = Self.executable else {
            throw TestFailure("chromium is not installed (scripts/ensure-deps installs it)")
        }
        profile = FileManager.default.temporaryDirectory.appendingPathComponent("moments-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        child = try Child(
            executable,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                // WSClient sends an Origin header, which DevTools refuses unless allowed.
                "--remote-allow-origins=*",
                "--user-data-dir=\(profile.path)", "--window-size=\(width),\(height)", "about:blank",
            ],
            stderr: profile.appendingPathComponent("chromium.log").path)
        // Chromium writes the port it picked into the profile once it listens.
        let portFile = profile.appendingPathComponent("DevToolsActivePort")
        devToolsPort = try await eventually("chromium's DevTools port", within: .seconds(60)) {
            (try? String(contentsOf: portFile, encoding: .utf8))?.split(separator: "\n").first.flatMap { Int($0) }
        }
    }

    /// The DevTools WebSocket of the first page (tab).
    func pageSocketURL() async throws -> String {
        struct Target: Decodable {
            let type: String
            let webSocketDebuggerUrl: String?
        }
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(devToolsPort)/json/list"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let targets = try JSONDecoder().decode([Target].self, from: Data(body.readableBytesView))
        guard let url = targets.first(where: { $0.type == "page" })?.webSocketDebuggerUrl else {
            throw TestFailure("chromium has no page target")
        }
        return url
    }

    /// Runs `body` with a DevTools session on the first page.
    func withPage(_ body: @escaping @Sendable (DevToolsPage) async throws -> Void) async throws {
        let url = try await pageSocketURL()
        try await WebSocketClient.connect(
            url: url, configuration: .init(maxFrameSize: 1 << 26), logger: Logger(label: "devtools")
        ) { inbound, outbound, _ in
            let page = DevToolsPage(inbound: inbound.messages(maxSize: 1 << 26).makeAsyncIterator(), outbound: outbound)
            try await body(page)
            try await outbound.close(.normalClosure, reason: nil)
        }
    }

    func log() -> String {
        (try? String(contentsOf: profile.appendingPathComponent("chromium.log"), encoding: .utf8)) ?? ""
    }

    func close() {
        child.terminate()
        try? FileManager.default.removeItem(at: profile)
    }
}

/// One DevTools session: commands are sent one at a time and answered in order.
final class DevToolsPage: @unchecked Sendable {
    private var inbound: WebSocketInboundMessageStream.AsyncIterator
    private let outbound: WebSocketOutboundWriter
    private var nextId = 0

    init(inbound: WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends a command and answers its `result` (events that arrive meanwhile are skipped).
    func send(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        nextId += 1
        let id = nextId
        let command = try JSONSerialization.data(withJSONObject: ["id": id, "method": method, "params": params])
        try await outbound.writeTextMessage(String(decoding: command, as: UTF8.self))
        while let message = try await inbound.next() {
            guard case .text(let text) = message,
                let reply = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                reply["id"] as? Int == id
            else { continue }
            if let error = reply["error"] { throw TestFailure("\(method) failed: \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
        throw TestFailure("DevTools connection closed during \(method)")
    }

    /// Evaluates JavaScript in the page (awaiting a promise) and answers the value as JSON.
    func evaluate(_ expression: String) async throws -> Any? {
        let result = try await send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] { throw TestFailure("page script failed: \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    func navigate(_ url: String) async throws {
        _ = try await send("Page.navigate", ["url": url])
    }

    func screenshot(to file: URL) async throws {
        let result = try await send("Page.captureScreenshot", ["format": "png", "captureBeyondViewport": true])
        guard let base64 = result["data"] as? String, let png = Data(base64Encoded: base64) else {
            throw TestFailure("no screenshot data")
        }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try png.write(to: file)
    }
}
