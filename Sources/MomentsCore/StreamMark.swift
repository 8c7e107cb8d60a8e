/// Just where a pushed frame sits in the stream: enough to step over an event of a type this
/// client does not know without losing its place.
public struct StreamMark: Decodable, Sendable, Equatable {
    public var id: Int64
    public var type: String
}
