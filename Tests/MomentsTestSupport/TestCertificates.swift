import Foundation

/// A private CA and server certificates made with the `openssl` command at test time: one for
/// localhost/127.0.0.1, one for another host name, both signed by the CA.
public struct TestCertificates: Sendable {
    public let folder: URL
    public var caCertificate: String { folder.appendingPathComponent("ca.pem").path }
    public var serverCertificate: String { folder.appendingPathComponent("localhost.pem").path }
    public var serverKey: String { folder.appendingPathComponent("localhost.key").path }
    public var otherHostCertificate: String { folder.appendingPathComponent("other.pem").path }
    public var otherHostKey: String { folder.appendingPathComponent("other.key").path }

    public static func make() throws -> TestCertificates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("moments-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let certificates = TestCertificates(folder: folder)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try certificates.openssl(
            ["req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Moments Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        for (name, names) in [("localhost", "DNS:localhost,IP:127.0.0.1"), ("other", "DNS:other.example")] {
            try """
            subjectAltName=\(names)
            basicConstraints=CA:FALSE
            keyUsage=digitalSignature
            extendedKeyUsage=serverAuth
            """.write(to: folder.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
            try certificates.openssl(
                ["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try certificates.openssl([
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
            ])
        }
        return certificates
    }

    private func openssl(_ arguments: [String]) throws {
        guard
            let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first(
                where: FileManager.default.isExecutableFile)
        else { throw TestFailure("openssl is not installed (scripts/ensure-deps installs it)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure(
                "openssl \(arguments.joined(separator: " ")): \(String(decoding: message, as: UTF8.self))")
        }
    }

    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
