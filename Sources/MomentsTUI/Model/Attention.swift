import Foundation
import MomentsCore

/// What to tell a user who is not looking: likes and comments that arrived while the terminal
/// did not have focus, told at most once every `quiet` seconds, a burst in one sentence ("Bob
/// and 19 others liked your post"). Pure: the runtime says the sentence the way the terminal
/// understands (`Notifier`).
public struct Attention: Equatable, Sendable {
    public static let quiet: TimeInterval = 5

    /// Arrived and not told yet, oldest first.
    public private(set) var waiting: [Event] = []
    public private(set) var lastTold: Date?

    /// Which events are told: likes and comments unless config.toml's `[notify]` says otherwise.
    public var tells: Set<EventType>

    public init(tells: Set<EventType> = [.like, .comment]) {
        self.tells = tells
    }

    /// A like or comment for the user arrived while it was not looking: the sentence to tell
    /// now, or nil while the last one is too recent (it waits for `due`).
    public mutating func arrived(_ event: Event, now: Date) -> String? {
        guard tells.contains(event.type), event.type == .like || event.type == .comment else { return nil }
        waiting.append(event)
        return due(now: now)
    }

    /// What has waited, once `quiet` has passed since the last sentence.
    public mutating func due(now: Date) -> String? {
        guard !waiting.isEmpty else { return nil }
        if let lastTold, now.timeIntervalSince(lastTold) < Self.quiet { return nil }
        defer {
            waiting = []
            lastTold = now
        }
        return Self.sentence(waiting)
    }

    /// The user is back in front of the screen, where what waited shows.
    public mutating func seen() {
        waiting = []
    }

    static func sentence(_ events: [Event]) -> String {
        var actors: [String] = []
        for event in events {
            let name = event.actor?.name ?? "Someone"
            if !actors.contains(name) { actors.append(name) }
        }
        let who =
            switch actors.count {
            case 1: actors[0]
            case 2: "\(actors[0]) and \(actors[1])"
            default: "\(actors[0]) and \(actors.count - 1) others"
            }
        let likes = events.count { $0.type == .like }
        let comments = events.count - likes
        let posts = Set(events.compactMap(\.postId)).count == 1 ? "your post" : "your posts"
        if comments == 0 { return "\(who) liked \(posts)" }
        if likes == 0 {
            guard events.count == 1, let text = events[0].text else { return "\(who) commented" }
            return "\(who) commented: \(text.count > 80 ? text.prefix(79) + "…" : text)"
        }
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        return "\(who): \(count(likes, "like")), \(count(comments, "comment"))"
    }
}
