import Foundation

public struct Comment: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    public var postId: Int64
    public var author: UserSummary
    public var text: String
    public var createdAt: Date

    public init(id: Int64, postId: Int64, author: UserSummary, text: String, createdAt: Date) {
        self.id = id
        self.postId = postId
        self.author = author
        self.text = text
        self.createdAt = createdAt
    }
}
