/// A problem with how the server was started: printed as one line, exit code 1.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
