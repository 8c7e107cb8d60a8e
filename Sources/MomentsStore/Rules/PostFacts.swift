import MomentsCore

/// A post as the rules need it: who wrote it, what it says (a `post` event carries it) and
/// who may see it.
struct PostFacts: Sendable, Equatable {
    var id: Int64
    var author: String
    var text: String
    var audience: Audience
}
