import Foundation

/// The token signing secret: `MOMENTS_SECRET` if set, else a random one generated once and kept
/// in the data dir (mode 0600), so tokens survive restarts.
public enum SigningSecret {
    public static let environmentKey = "MOMENTS_SECRET"
    static let fileName = "secret"

    public static func load(dataDir: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> [UInt8]
    {
        if let value = environment[environmentKey], !value.isEmpty {
            guard value.utf8.count >= 32 else {
                throw ConfigurationError("\(environmentKey) must be at least 32 bytes long")
            }
            return Array(value.utf8)
        }
        let file = dataDir.appendingPathComponent(fileName)
        if let existing = try? String(contentsOf: file, encoding: .utf8) {
            let trimmed = existing.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.utf8.count >= 32 else { throw ConfigurationError("\(file.path) holds a secret under 32 bytes") }
            return Array(trimmed.utf8)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
        guard FileManager.default.createFile(
            atPath: file.path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(file.path)") }
        return Array(secret.utf8)
    }
}

/// A problem with how the server was started: printed as one line, exit code 1.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
