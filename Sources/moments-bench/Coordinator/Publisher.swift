import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Publishes to the server under test over HTTP: Moments' `POST /api/publish` and likes, or
/// Nchan's `POST /pub/<id>`. Every message carries `t`, the time it was due, in its data.
///
/// In a cluster each request goes to a random node other than the one its recipient is
/// connected to (the cross-node path), never to a node marked down. With `failover`, every
/// request carries an Idempotency-Key and one that cannot reach its node is sent again to
/// another under the same key, so a node killed mid-request loses nothing and doubles nothing.
final class Publisher: Sendable {
    let target: Target
    let nodes: Nodes
    private let users: [BenchUser]
    private let apiKey: String
    private let client: HTTPClient
    private let outcomes = NIOLockedValueBox<(succeeded: Int, failed: Int, errors: [String])>((0, 0, []))
    private let down = NIOLockedValueBox(Set<Int>())
    private let deadline: TimeAmount
    private let failover: Bool

    init(target: Target, nodes: Nodes, users: [BenchUser], apiKey: String, failover: Bool = false) {
        self.target = target
        self.nodes = nodes
        self.failover = failover
        self.users = users
        self.apiKey = apiKey
        deadline = .seconds(nodes.isCluster ? 120 : 30)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // A cluster on this machine's two cores queues requests for tens of seconds in a storm
        // of 95,000 reconnects: that wait is latency, not a failure (a request given up on at
        // its deadline may still commit, and would count as delivered but not published).
        configuration.timeout = .init(connect: .seconds(nodes.isCluster ? 120 : 5), read: deadline)
        // A dead node's refused connection is a failure at once (then the next node), not a
        // retry loop until the request's deadline. Only then: it also fails every request
        // queued for that node, which a live node's passing hiccup must not do.
        configuration.connectionPool.retryConnectionEstablishment = !failover
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    var succeeded: Int { outcomes.withLockedValue { $0.succeeded } }
    var failed: Int { outcomes.withLockedValue { $0.failed } }
    var errors: [String] { outcomes.withLockedValue { $0.errors } }

    func forgetOutcomes() {
        outcomes.withLockedValue { $0 = (0, 0, []) }
    }

    /// No request goes to `node` from now on.
    func markDown(_ node: Int) { _ = down.withLockedValue { $0.insert(node) } }

    /// Requests go to `node` again (it was restarted).
    func markUp(_ node: Int) { _ = down.withLockedValue { $0.remove(node) } }

    /// To subscriber number `position` (its place in the users file).
    func unicast(to position: Int, stamp: UInt64) async {
        let user = users[position].id
        switch target {
        case .moments:
            await post(
                "/api/publish", body: #"{"users":["\#(user)"],"data":{"t":\#(stamp)}}"#, key: true, awayFrom: position)
        case .nchan:
            await post("/pub/\(user)", body: #"{"t":\#(stamp)}"#)
        }
    }

    func broadcast(stamp: UInt64) async {
        switch target {
        case .moments: await post("/api/publish", body: #"{"broadcast":true,"data":{"t":\#(stamp)}}"#, key: true)
        case .nchan: await post("/pub/all", body: #"{"t":\#(stamp)}"#)
        }
    }

    /// Moments only: the product path, a like of subscriber `author`'s post that becomes its
    /// notification.
    func like(postOf author: Int, as liker: BenchUser) async {
        await post("/api/posts/\(users[author].post)/likes", body: nil, bearer: liker.token, awayFrom: author)
    }

    /// Moments only: a comment on subscriber `author`'s post, which becomes its notification.
    func comment(onPostOf author: Int, as commenter: BenchUser) async {
        await post(
            "/api/posts/\(users[author].post)/comments", body: #"{"text":"bench comment 评论"}"#,
            bearer: commenter.token, awayFrom: author)
    }

    /// A live node not `tried` yet, other than subscriber `position`'s home when there is one
    /// (a cluster of two that lost a node has only the home left); nil when none is left.
    private func node(awayFrom position: Int?, tried: Set<Int>) -> Int? {
        guard nodes.isCluster else { return tried.isEmpty ? 0 : nil }
        let home = position.map(nodes.home(of:))
        let down = down.withLockedValue { $0 }
        let live = (0..<nodes.count).filter { !down.contains($0) && !tried.contains($0) }
        return live.filter { $0 != home }.randomElement() ?? live.randomElement()
    }

    private func post(
        _ path: String, body: String?, key: Bool = false, bearer: String? = nil, awayFrom position: Int? = nil
    ) async {
        var request = HTTPClientRequest(url: "")
        request.method = .POST
        if key { request.headers.add(name: "X-API-Key", value: apiKey) }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        if failover {
            request.headers.add(name: "Idempotency-Key", value: "bench-\(UInt64.random(in: 0...UInt64.max))")
        }
        var failure: String? = "no live node to send to"
        var tried = Set<Int>()
        while tried.isEmpty || (failover && failure != nil), let node = node(awayFrom: position, tried: tried) {
            if !tried.isEmpty { try? await Task.sleep(for: .milliseconds(100)) }
            tried.insert(node)
            request.url = nodes.endpoints[node].url + path
            do {
                let response = try await client.execute(request, timeout: deadline)
                _ = try await response.body.collect(upTo: 1 << 20)
                let status = response.status.code
                failure = (200..<300).contains(status) ? nil : "HTTP \(status) for POST \(path)"
                break
            } catch {
                failure = String(describing: error)
            }
        }
        outcomes.withLockedValue { outcomes in
            guard let failure else { return outcomes.succeeded += 1 }
            outcomes.failed += 1
            if outcomes.errors.count < 5, !outcomes.errors.contains(failure) { outcomes.errors.append(failure) }
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
