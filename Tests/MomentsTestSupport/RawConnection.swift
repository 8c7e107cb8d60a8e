import Foundation
import Glibc

/// A plain TCP connection to a test server, for what HTTP clients will not do on purpose
/// (trickling headers, staying idle).
final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    /// - Parameter receiveBuffer: a small one makes a peer that does not read stall the
    ///   server's writes sooner.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw TestFailure("cannot connect to port \(port): errno \(errno)") }
    }

    deinit { close(fd) }

    /// False once the server has closed the connection (the write fails).
    @discardableResult
    func send(_ text: String) -> Bool { send(bytes: Array(text.utf8)) }

    @discardableResult
    func send(bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// What has arrived (without waiting; "" for nothing yet), or nil once the server has closed.
    func receive() -> String? {
        receiveBytes().map { String(decoding: $0, as: UTF8.self) }
    }

    func receiveBytes() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if count == 0 { return nil }
        if count < 0 { return (errno == EAGAIN || errno == EWOULDBLOCK) ? [] : nil }
        return Array(buffer[0..<count])
    }

    /// Reads until `done` holds for all that arrived since the last call (bounded: hangs only).
    func read(until done: ([UInt8]) -> Bool, within limit: Duration = hangGuard) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard let more = receiveBytes() else { throw TestFailure("the server closed the connection") }
            unread += more
            if done(unread) {
                defer { unread = [] }
                return unread
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("waited \(limit); received: \(String(decoding: unread, as: UTF8.self))")
    }

    func read(untilText text: String, within limit: Duration = hangGuard) async throws -> String {
        let bytes = try await read(until: { String(decoding: $0, as: UTF8.self).contains(text) }, within: limit)
        return String(decoding: bytes, as: UTF8.self)
    }

    private var unread: [UInt8] = []

    /// A WebSocket frame as a client sends it (masked), with a payload under 126 bytes.
    func sendFrame(opcode: UInt8, payload: [UInt8] = []) {
        let mask: [UInt8] = [0x11, 0x22, 0x33, 0x44]
        let frame =
            [0x80 | opcode, 0x80 | UInt8(payload.count)] + mask
            + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        _ = frame.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// `GET /api/ws` as a WebSocket upgrade request.
    static func upgradeRequest(token: String, cursor: Int64? = nil) -> String {
        "GET /api/ws?token=\(token)\(cursor.map { "&cursor=\($0)" } ?? "") HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    }

    /// Everything until the server closes the connection (bounded).
    func readToClose(within limit: Duration = .seconds(10).stretched) async throws -> String {
        var text = ""
        let deadline = ContinuousClock.now + limit
        while true {
            let late = ContinuousClock.now >= deadline  // read once more after it: a stall is not a hang
            guard let more = receive() else { return text }
            text += more
            if late { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the server kept the connection open for \(limit); received: \(text)")
    }

    /// Waits, reading, until the server closes the connection; answers how long that took.
    func waitForClose(within limit: Duration) async throws -> Duration {
        let start = ContinuousClock.now
        _ = try await readToClose(within: limit)
        return ContinuousClock.now - start
    }
}
