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
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// What has arrived (without waiting; "" for nothing yet), or nil once the server has closed.
    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if count == 0 { return nil }
        if count < 0 { return (errno == EAGAIN || errno == EWOULDBLOCK) ? "" : nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// Everything until the server closes the connection (bounded).
    func readToClose(within limit: Duration = .seconds(10)) async throws -> String {
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
