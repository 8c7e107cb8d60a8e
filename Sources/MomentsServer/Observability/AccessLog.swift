import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import Synchronization

/// One line per request, and one per push connection when it opens and when it closes: what
/// an operator reads to answer "what happened at 14:02". Fields: time, method, route template (never the query
/// string: a browser's `?token=` stays out), status, duration, user, client address (the
/// forwarded one behind a trusted proxy), bytes of the body. logfmt by default, or JSON.
public final class AccessLog: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case logfmt, json
    }

    let format: Format
    private let write: @Sendable (String) -> Void

    /// `write` gets each line without its newline.
    public init(format: Format = .logfmt, write: @escaping @Sendable (String) -> Void) {
        self.format = format
        self.write = write
    }

    /// Lines to a file handle (standard output, usually), written off the caller's thread:
    /// event loops and request tasks never wait on a slow log reader.
    public static func to(_ handle: FileHandle, format: Format = .logfmt) -> AccessLog {
        let writer = LineWriter(handle)
        return AccessLog(format: format) { writer.enqueue($0) }
    }

    func request(
        method: String, route: String, status: Int, duration: Duration, user: String?, client: String, bytes: Int?
    ) {
        emit([
            ("method", method), ("route", route), ("status", String(status)),
            ("duration_ms", Self.milliseconds(duration)), ("user", user ?? "-"), ("client", client),
            ("bytes", bytes.map(String.init) ?? "-"),
        ])
    }

    /// A push connection (WebSocket, SSE, iframe) opened.
    func streamOpened(transport: String, user: String, client: String) {
        emit([("stream", transport), ("phase", "open"), ("user", user), ("client", client)])
    }

    /// A push connection that closed: how long it was open and how many events it carried.
    func streamClosed(transport: String, duration: Duration, user: String, client: String, events: Int) {
        emit([
            ("stream", transport), ("phase", "close"), ("duration_ms", Self.milliseconds(duration)), ("user", user),
            ("client", client), ("events", String(events)),
        ])
    }

    private func emit(_ fields: [(String, String)]) {
        let time = LogTime.now()
        let all = [("time", time)] + fields
        switch format {
        case .logfmt:
            write(all.map { "\($0)=\(Self.logfmt($1))" }.joined(separator: " "))
        case .json:
            write("{" + all.map { "\(Self.json($0)):\(Self.json($1))" }.joined(separator: ",") + "}")
        }
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.3f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }

    /// Bare when it can be, else quoted with `"` and `\` escaped (route templates, addresses
    /// and ids are bare).
    private static func logfmt(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    private static func json(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Logs each request once its answer is written (a stream's, when it ends): after the
/// forwarded address is known, around everything else.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = MomentsRequestContext

    let log: AccessLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let (log, note, client) = (log, context.note, context.clientAddress)
        let method = request.method.rawValue
        do {
            var response = try await next(request, context)
            let status = response.status.code
            let route = context.endpointPath ?? "unmatched"
            // An upgrade's body is never written (the gate answers 101 itself): log it now.
            guard response.status != .switchingProtocols else {
                log.request(
                    method: method, route: route, status: status, duration: .now - start, user: note.user,
                    client: client, bytes: nil)
                return response
            }
            let body = response.body
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                let bytes = Atomic<Int>(0)
                defer {
                    log.request(
                        method: method, route: route, status: status, duration: .now - start, user: note.user,
                        client: client, bytes: bytes.load(ordering: .relaxed))
                }
                try await body.write(
                    writer.map { buffer in
                        bytes.add(buffer.readableBytes, ordering: .relaxed)
                        return buffer
                    })
            }
            return response
        } catch {
            log.request(
                method: method, route: context.endpointPath ?? "unmatched",
                status: (error as? any HTTPResponseError)?.status.code ?? 500, duration: .now - start,
                user: note.user, client: client, bytes: nil)
            throw error
        }
    }
}

/// One writer per log: lines wait in order in one buffer, written by a single drain with as
/// few writes as there are turns of it (one per line was a system call a request). Past
/// `limit` waiting (the reader stopped reading) new lines are dropped rather than held in
/// memory or left to stall the server. A failed write (the reader gone) is dropped too: a log
/// must not take the server down.
private final class LineWriter: Sendable {
    static let limit = 10_000

    private struct Waiting {
        var text = ""
        var lines = 0
        var draining = false
    }

    private let handle: FileHandle
    private let queue = DispatchQueue(label: "moments.access-log")
    private let waiting = NIOLockedValueBox(Waiting())

    init(_ handle: FileHandle) { self.handle = handle }

    func enqueue(_ line: String) {
        let startDrain = waiting.withLockedValue { waiting -> Bool in
            guard waiting.lines < Self.limit else { return false }
            waiting.text += line
            waiting.text += "\n"
            waiting.lines += 1
            guard !waiting.draining else { return false }
            waiting.draining = true
            return true
        }
        if startDrain { queue.async { self.drain() } }
    }

    private func drain() {
        while true {
            let text = waiting.withLockedValue { waiting -> String? in
                guard waiting.lines > 0 else {
                    waiting.draining = false
                    return nil
                }
                defer { waiting = Waiting(draining: true) }
                return waiting.text
            }
            guard let text else { return }
            try? handle.write(contentsOf: Data(text.utf8))
        }
    }
}

/// The access log's time stamps (ISO 8601, UTC, milliseconds): the date and time formatted
/// once a second, the milliseconds appended (Foundation's formatter was most of a line's cost).
enum LogTime {
    private static let second = NIOLockedValueBox((second: Int64.min, text: ""))

    static func now() -> String {
        let millis = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        let (whole, fraction) = millis.quotientAndRemainder(dividingBy: 1000)
        let prefix = second.withLockedValue { cached -> String in
            if cached.second != whole {
                let text = Date(timeIntervalSince1970: TimeInterval(whole)).formatted(
                    Date.ISO8601FormatStyle(includingFractionalSeconds: false))
                // "…T19:10:00Z" without its zone: the milliseconds go before it.
                cached = (whole, String(text.dropLast()))
            }
            return cached.text
        }
        let digits = String(fraction)
        return prefix + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }
}
