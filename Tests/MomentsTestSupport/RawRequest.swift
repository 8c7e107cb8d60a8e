import AsyncHTTPClient
import Foundation
import MomentsCore
import NIOCore
import NIOHTTP1

/// Sends a raw request, for what the typed client cannot express (bad bodies, odd headers).
func rawRequest(
    _ server: TestServer, _ method: HTTPMethod, _ path: String, token: String? = nil, body: [UInt8]? = nil,
    headers: [(String, String)] = []
) async throws -> (status: Int, error: APIErrorBody?) {
    var request = HTTPClientRequest(url: server.url.absoluteString + path)
    request.method = method
    if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10).stretched)
    let bytes = try await response.body.collect(upTo: 1 << 20)
    let error = try? WireCoding.makeDecoder().decode(APIErrorBody.self, from: Data(bytes.readableBytesView))
    return (Int(response.status.code), error)
}
