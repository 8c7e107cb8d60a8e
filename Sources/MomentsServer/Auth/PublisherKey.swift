import Foundation

/// The key backend services publish with: `MOMENTS_API_KEY` if set, else generated once into
/// the data dir (`api-key`, mode 0600), or into the shared database with `--postgres`.
public enum PublisherKey {
    public static let environmentKey = "MOMENTS_API_KEY"
    static let fileName = "api-key"

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> String?
    {
        guard let value = environment[environmentKey], !value.isEmpty else { return nil }
        guard value.utf8.count >= 16 else {
            throw ConfigurationError("\(environmentKey) must be at least 16 bytes long")
        }
        return value
    }

    static func load(dataDir: URL) throws -> String {
        if let key = try fromEnvironment() { return key }
        return try SigningSecret.kept(in: dataDir.appendingPathComponent(fileName), minimumBytes: 16)
    }

    /// From the settings every node shares: `setting(key, proposal)` answers the value kept
    /// under `key`, `proposal` if none was.
    static func shared(by setting: (_ key: String, _ proposal: String) async throws -> String) async throws -> String {
        if let key = try fromEnvironment() { return key }
        return try await setting("api_key", SigningSecret.generate())
    }

    /// Compares in time that does not depend on where the first difference is.
    static func matches(_ given: String, _ expected: String) -> Bool {
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
