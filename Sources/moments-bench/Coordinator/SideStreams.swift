import Foundation
import NIOConcurrencyHelpers
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The connections of a soak that the workers do not hold, on plain sockets with a thread
/// each: SSE readers that read and drop everything, and WebSockets that never read at all
/// (tiny receive buffers), which the server cuts off (they answer no ping, and fall behind);
/// each cut one is opened again, so the server keeps meeting new stuck readers. IPv4 only.
final class SideStreams: Sendable {
    private let endpoint: Endpoint
    private let stopped = Atomic<Bool>(false)
    private let counts = NIOLockedValueBox((sseBytes: 0, stuckOpened: 0))

    init(endpoint: Endpoint) { self.endpoint = endpoint }

    var sseBytes: Int { counts.withLockedValue { $0.sseBytes } }
    var stuckOpened: Int { counts.withLockedValue { $0.stuckOpened } }

    func start(sse users: [BenchUser], stuck: [BenchUser]) {
        for user in users {
            Thread.detachNewThread { [self] in readSSE(user) }
        }
        for user in stuck {
            Thread.detachNewThread { [self] in holdStuck(user) }
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func readSSE(_ user: BenchUser) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !stopped.load(ordering: .relaxed) {
            guard let socket = connect(receiveBuffer: nil) else {
                sleep(1)
                continue
            }
            // recv wakes up each second to see whether the soak is over.
            var wake = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wake, socklen_t(MemoryLayout<timeval>.size))
            send(socket, "GET /api/events?token=\(user.token) HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            while !stopped.load(ordering: .relaxed) {
                let count = recv(socket, &buffer, buffer.count, 0)
                if count < 0, errno == EAGAIN || errno == EWOULDBLOCK { continue }
                if count <= 0 { break }
                counts.withLockedValue { $0.sseBytes += count }
            }
            close(socket)
        }
    }

    private func holdStuck(_ user: BenchUser) {
        while !stopped.load(ordering: .relaxed) {
            guard let socket = connect(receiveBuffer: 2048) else {
                sleep(1)
                continue
            }
            counts.withLockedValue { $0.stuckOpened += 1 }
            send(
                socket,
                "GET /api/ws?token=\(user.token) HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
            // Never read; look every half second whether the server has hung up.
            while !stopped.load(ordering: .relaxed) {
                var poll = pollfd(fd: socket, events: Self.peerClosed, revents: 0)
                if Glibc.poll(&poll, 1, 500) > 0, poll.revents & (Self.peerClosed | Int16(POLLHUP | POLLERR)) != 0 {
                    break
                }
            }
            close(socket)
            usleep(200_000)  // not a tight loop if the server refuses it at once
        }
    }

    /// POLLRDHUP (Linux): the peer closed its side, whatever is still unread.
    private static let peerClosed: Int16 = 0x2000

    private func connect(receiveBuffer: Int32?) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(endpoint.port).bigEndian)
        address.sin_addr.s_addr = inet_addr(endpoint.host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private func send(_ socket: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
