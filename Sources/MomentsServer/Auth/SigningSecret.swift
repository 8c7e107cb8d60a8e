import Foundation

/// The token signing secret: `MOMENTS_SECRET` if set, else a random one generated once and kept
/// in the data dir (mode 0600), so tokens survive restarts.
public enum SigningSecret {
    public static let environmentKey = "MOMENTS_SECRET"
    static let fileName = "secret"

    public static func load(dataDir: URL, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> [UInt8]
    {
        if let secret = try fromEnvironment(environment) { return secret }
        return Array(try kept(in: dataDir.appendingPathComponent(fileName), minimumBytes: 32).utf8)
    }

    /// The random value kept in `file` (mode 0600), generated into it on first use.
    static func kept(in file: URL, minimumBytes: Int) throws -> String {
        if let existing = try? String(contentsOf: file, encoding: .utf8) {
            let trimmed = existing.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.utf8.count >= minimumBytes else {
                throw ConfigurationError("\(file.path) holds a value under \(minimumBytes) bytes")
            }
            return trimmed
        }
        let value = generate()
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data(value.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(file.path)") }
        return value
    }
}

extension SigningSecret {
    /// `MOMENTS_SECRET`, when set.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [UInt8]?
    {
        guard let value = environment[environmentKey], !value.isEmpty else { return nil }
        guard value.utf8.count >= 32 else {
            throw ConfigurationError("\(environmentKey) must be at least 32 bytes long")
        }
        return Array(value.utf8)
    }

    /// 32 random bytes, hex.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
