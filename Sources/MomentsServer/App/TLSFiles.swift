import Foundation
import NIOSSL

/// The PEM certificate chain and private key `serve --tls-cert/--tls-key` names.
public struct TLSFiles: Sendable, Equatable {
    public var certificate: String
    public var privateKey: String

    public init(certificate: String, privateKey: String) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Reads both files and checks they belong together, so a bad setup fails at start with one
    /// line instead of at the first handshake. TLS 1.2 at least; 1.3 is preferred when offered.
    func serverConfiguration() throws -> TLSConfiguration {
        for file in [certificate, privateKey] where !FileManager.default.isReadableFile(atPath: file) {
            throw ConfigurationError("TLS: cannot read \(file)")
        }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw ConfigurationError("TLS: \(certificate) holds no PEM certificate")
        }
        guard !chain.isEmpty else { throw ConfigurationError("TLS: no certificate in \(certificate)") }
        do {
            key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        } catch {
            throw ConfigurationError("TLS: \(privateKey) holds no PEM private key")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigurationError("TLS: the key in \(privateKey) does not match the certificate in \(certificate)")
        }
        return configuration
    }

}
