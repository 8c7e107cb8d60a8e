import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Publishes to the server under test over HTTP: Moments' `POST /api/publish` and likes, or
/// Nchan's `POST /pub/<id>`. Every message carries `t`, the time it was due, in its data.
final class Publisher: Sendable {
    let target: Target
    private let base: String
    private let apiKey: String
    private let client: HTTPClient
    private let outcomes = Mutex<(succeeded: Int, failed: Int, errors: [String])>((0, 0, []))

    init(target: Target, endpoint: Endpoint, apiKey: String) {
        self.target = target
        self.base = endpoint.url
        self.apiKey = apiKey
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    var succeeded: Int { outcomes.withLock { $0.succeeded } }
    var failed: Int { outcomes.withLock { $0.failed } }
    var errors: [String] { outcomes.withLock { $0.errors } }

    func unicast(to user: String, stamp: UInt64) async {
        switch target {
        case .moments:
            await post("/api/publish", body: #"{"users":["\#(user)"],"data":{"t":\#(stamp)}}"#, key: true)
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

    /// Moments only: the product path, a like that becomes its author's notification.
    func like(_ post: Int64, as liker: BenchUser) async {
        await self.post("/api/posts/\(post)/likes", body: nil, bearer: liker.token)
    }

    private func post(_ path: String, body: String?, key: Bool = false, bearer: String? = nil) async {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        if key { request.headers.add(name: "X-API-Key", value: apiKey) }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let failure: String?
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            failure = (200..<300).contains(response.status.code) ? nil : "HTTP \(response.status.code) for POST \(path)"
        } catch {
            failure = String(describing: error)
        }
        outcomes.withLock { outcomes in
            guard let failure else { return outcomes.succeeded += 1 }
            outcomes.failed += 1
            if outcomes.errors.count < 5, !outcomes.errors.contains(failure) { outcomes.errors.append(failure) }
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}
