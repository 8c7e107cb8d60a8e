import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import WSClient
@_spi(WSInternal) import WSCore

/// `wss://` to an IP address. WSClient 1.6.2 hands the URL's host to NIOSSL as the SNI name even
/// when it is an address, which TLS forbids (RFC 6066 §3) and NIOSSL refuses, so it cannot
/// connect at all. This is WSClient's client channel, cut to what a push client uses (no
/// proxy, no extensions, no `Origin`, which only browsers send), with no SNI: NIOSSL then
/// checks the certificate's IP SAN against the address it connected to. The frames are
/// handled by WSCore's handler, as WSClient does it. Drop this once WSClient skips SNI for
/// addresses.
enum AddressWebSocket {
    struct Context: WebSocketContext {
        let logger: Logger
    }

    /// Whether `host` is an IPv4 or IPv6 literal (what WSClient cannot reach over TLS).
    static func isAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    static func connect(
        host: String, port: Int, path: String, configuration: WebSocketClientConfiguration, tls: TLSConfiguration,
        logger: Logger, handler: @escaping WebSocketDataHandler<Context>
    ) async throws -> WebSocketCloseFrame? {
        let context = try NIOSSLContext(configuration: tls)
        let hostHeader = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let headers = [("Host", hostHeader)] + configuration.additionalHeaders.map { ($0.name.rawName, $0.value) }
        let upgrade = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: nil))
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
                        configuration: upgradeConfiguration(
                            path: path, headers: headers, maxFrameSize: configuration.maxFrameSize))
                }
            }
        guard let channel = try await upgrade.get() else { throw WebSocketClientError.webSocketUpgradeFailed }
        return try await WebSocketHandler.handle(
            type: .client,
            configuration: .init(
                extensions: [], autoPing: configuration.autoPing, closeTimeout: configuration.closeTimeout,
                validateUTF8: configuration.validateUTF8,
                ignoreUncleanSSLShutdownErrors: configuration.ignoreUncleanSSLShutdownErrors,
                maxFrameSize: configuration.maxFrameSize),
            asyncChannel: channel, context: Context(logger: logger), handler: handler)
    }

    /// The upgrade request; the result is the frame channel, or nil (and the connection closed)
    /// when the server answered without upgrading.
    private static func upgradeConfiguration(path: String, headers: [(String, String)], maxFrameSize: Int)
        -> NIOUpgradableHTTPClientPipelineConfiguration<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>
    {
        let upgrader = NIOTypedWebSocketClientUpgrader<NIOAsyncChannel<WebSocketFrame, WebSocketFrame>?>(
            maxFrameSize: maxFrameSize,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel)
                }
            })
        var configuration = NIOUpgradableHTTPClientPipelineConfiguration(
            upgradeConfiguration: NIOTypedHTTPClientUpgradeConfiguration(
                upgradeRequestHead: HTTPRequestHead(
                    version: .http1_1, method: .GET, uri: path, headers: HTTPHeaders(headers)),
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in channel.close().map { nil } }))
        configuration.leftOverBytesStrategy = .forwardBytes
        return configuration
    }
}
