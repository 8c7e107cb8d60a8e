import AsyncHTTPClient
import Foundation
import NIOSSL

/// How the client decides whether an https/wss server is who it claims to be.
public struct ServerTrust: Sendable, Equatable {
    /// Trust certificates issued by the CA(s) in this PEM file instead of the system's.
    public var caFile: String?
    /// Accept any certificate: local experiments only; the UI says so.
    public var insecure: Bool

    public init(caFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.insecure = insecure
    }

    /// Client TLS settings: TLS 1.2 or later, certificate and host name verified against the
    /// system trust store or `caFile`, unless `insecure`.
    public func tlsConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw ClientError.configuration("cannot read the CA file \(caFile)")
            }
            do {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw ClientError.configuration("\(caFile) holds no PEM certificate")
            }
        }
        if insecure { configuration.certificateVerification = .none }
        return configuration
    }

    /// An HTTP client for this trust; the caller shuts it down. `.shared` already does what the
    /// default trust asks, so only a CA file, `insecure` or `failFast` need one of their own.
    /// - Parameter failFast: a refused connection fails the request at once (AsyncHTTPClient
    ///   otherwise retries it until the request's deadline): for clients with other nodes to try.
    public func makeHTTPClient(failFast: Bool = false) throws -> HTTPClient? {
        guard caFile != nil || insecure || failFast else { return nil }
        var configuration = HTTPClient.Configuration(tlsConfiguration: try tlsConfiguration())
        configuration.connectionPool.retryConnectionEstablishment = !failFast
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
