import MomentsCore

/// The demo world of `serve --demo`: four people and a few posts of the last days, some already
/// liked and commented on. Everyone is friends with everyone but bob and carol, who have never
/// met: each sees alice's dumplings, neither sees the other there (carol's comment is alice's
/// and dave's to read, not bob's), which is the rule of Moments the demo shows (README).
public enum DemoSeed {
    public static let users: [UserSummary] = [
        UserSummary(id: "alice", name: "Alice"),
        UserSummary(id: "bob", name: "Bob"),
        UserSummary(id: "carol", name: "Carol"),
        UserSummary(id: "dave", name: "Dave"),
    ]

    /// The two who are not friends.
    public static let strangers: Set<[String]> = [["bob", "carol"]]

    /// The pictures the demo's posts carry, by name: what `picture` draws.
    public static let pictures = ["sunrise", "ridge", "lake", "dumplings"]

    /// Seeds only an empty store; answers whether it did. With `picture` (the server's: it
    /// draws and stores one of `pictures` for its owner), bob's hike shows three pictures and
    /// alice's dumplings one.
    @discardableResult
    public static func seedIfEmpty(
        _ store: any MomentsStore,
        picture: (@Sendable (_ name: String, _ owner: String) async throws -> NewMedia)? = nil
    ) async throws -> Bool {
        guard try await store.isEmpty() else { return false }
        for user in users { try await store.saveUser(id: user.id, name: user.name) }
        for (index, a) in users.enumerated() {
            for b in users[(index + 1)...] where !strangers.contains([a.id, b.id]) {
                try await store.befriend(a.id, b.id)
            }
        }
        // A timeline with a past: posts of the last days, likes and comments after them.
        let hour = 3600
        func attach(_ names: [String], _ owner: String, alts: [String]) async throws -> [MediaAttachment] {
            guard let picture else { return [] }
            var attached: [MediaAttachment] = []
            for (name, alt) in zip(names, alts) {
                let uploaded = try await store.saveMedia(try await picture(name, owner))
                attached.append(MediaAttachment(id: uploaded.id, alt: alt))
            }
            return attached
        }
        let hike = try await attach(
            ["sunrise", "ridge", "lake"], "bob",
            alts: ["日出 sunrise over the ridge", "the ridge path", "the lake below"])
        let harbour = try await StoreClock.asIf(secondsAgo: 52 * hour) {
            try await store.createPost(
                author: "bob", text: "周末去爬山，山顶的日出太美了 🌄", audience: .friends, mentions: [], media: hike,
                idempotent: nil)
        }
        _ = try await StoreClock.asIf(secondsAgo: 30 * hour) {
            try await store.createPost(
                author: "carol",
                text: "Finished the first draft of my talk on push protocols. Long-polling still surprises people.")
        }
        try await StoreClock.asIf(secondsAgo: 28 * hour) {
            _ = try await store.like(viewer: "dave", postId: harbour.id)
            _ = try await store.like(viewer: "alice", postId: harbour.id)
            _ = try await store.comment(viewer: "alice", postId: harbour.id, text: "好美！下次带上我")
        }
        let plate = try await attach(["dumplings"], "alice", alts: ["a plate of dumplings"])
        let dumplings = try await StoreClock.asIf(secondsAgo: 6 * hour) {
            try await store.createPost(
                author: "alice", text: "今天包了饺子，猪肉白菜馅的，欢迎来吃！🥟", audience: .friends, mentions: [],
                media: plate, idempotent: nil)
        }
        try await StoreClock.asIf(secondsAgo: 5 * hour) {
            _ = try await store.like(viewer: "dave", postId: dumplings.id)
        }
        try await StoreClock.asIf(secondsAgo: 4 * hour) {
            _ = try await store.comment(viewer: "carol", postId: dumplings.id, text: "我要来！🙋")
        }
        _ = try await StoreClock.asIf(secondsAgo: 3 * hour) {
            try await store.createPost(author: "dave", text: "Coffee first, then WebSockets.")
        }
        let release = try await StoreClock.asIf(secondsAgo: 40 * 60) {
            try await store.createPost(
                author: "alice", text: "Moments is live: likes and comments now reach you in milliseconds.")
        }
        try await StoreClock.asIf(secondsAgo: 12 * 60) {
            _ = try await store.like(viewer: "bob", postId: release.id)
        }
        return true
    }
}
