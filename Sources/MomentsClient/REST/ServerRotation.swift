import Foundation
import NIOConcurrencyHelpers

/// The servers (nodes of one cluster) a client may use, and the one it uses now. When that one
/// cannot be reached the client moves on — to a random one of the others, so a dead node's
/// clients spread over the rest instead of crowding the next — and carries its cursor there:
/// every node serves every user's stream. Shared by the copies of a `MomentsAPI`, so REST
/// and push move together.
public final class ServerRotation: Sendable {
    public let servers: [URL]
    private let index = NIOLockedValueBox(0)

    public init(_ servers: [URL]) {
        precondition(!servers.isEmpty, "a client needs a server")
        self.servers = servers
    }

    public var current: URL { servers[index.withLockedValue { $0 }] }

    /// Gives up on `failed`, unless another caller has moved on from it already; answers
    /// whether there is another server to try.
    @discardableResult
    public func moveOn(from failed: URL) -> Bool {
        guard servers.count > 1 else { return false }
        index.withLockedValue { index in
            guard servers[index] == failed else { return }
            let others = servers.indices.filter { $0 != index }
            index = others.randomElement()!
        }
        return true
    }
}
