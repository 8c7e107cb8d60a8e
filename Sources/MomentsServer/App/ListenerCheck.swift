import NIOCore
import NIOPosix

/// Every address a node listens on, tried before any is opened for real: one that cannot be
/// had is named in one line — which listener, the address, the flag that sets it — instead of
/// the node failing half-started with a bare `bind(…)` error after the other listener's
/// start-up and shutdown lines.
enum ListenerCheck {
    struct Listener: Sendable {
        /// What it listens for, as the message says it: "requests", "metrics".
        let name: String
        let address: ListenAddress
        /// The flags that set its port and its host (one flag may set both).
        let portFlag: String
        let hostFlag: String

        var shown: String {
            address.host.contains(":") ? "[\(address.host)]:\(address.port)" : "\(address.host):\(address.port)"
        }
    }

    static func verify(_ listeners: [Listener]) async throws {
        for (index, listener) in listeners.enumerated() {
            if let earlier = listeners[..<index].first(where: { $0.address == listener.address && $0.address.port != 0 }
            ) {
                throw ConfigurationError(
                    "cannot listen for \(listener.name) on \(listener.shown): \(earlier.portFlag) has it already — set \(listener.portFlag)"
                )
            }
            guard listener.address.port != 0 else { continue }  // the OS picks a free one
            do {
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: listener.address.host, port: listener.address.port).get()
                try await channel.close()
            } catch {
                throw ConfigurationError(
                    "cannot listen for \(listener.name) on \(listener.shown): \(reason(error, listener))")
            }
        }
    }

    /// Why, and what to do about it.
    static func reason(_ error: any Error, _ listener: Listener) -> String {
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE: "address in use — another moments-server? set \(listener.portFlag)"
        case EACCES: "permission denied (ports below 1024 need privileges) — set \(listener.portFlag)"
        case EADDRNOTAVAIL: "no such address on this machine — set \(listener.hostFlag)"
        default:
            error is SocketAddressError
                ? "unknown host — set \(listener.hostFlag)"
                : "\(error) — set \(listener.hostFlag) or \(listener.portFlag)"
        }
    }
}
