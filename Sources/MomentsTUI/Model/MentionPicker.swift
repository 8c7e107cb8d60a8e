import MomentsCore

/// Picking the friends a new post reminds of it ("提醒谁看"; `@` while writing it): one row per
/// friend the audience lets see it.
public struct MentionPicker: Equatable, Sendable {
    /// The friends picked, by id, in the order picked.
    public var picked: [String]
    public var selected = 0

    public init(picked: [String]) {
        self.picked = picked
    }

    /// Moves or picks (Space, Enter); answers false when the picker closes (`@`, Tab, Esc).
    public mutating func update(_ key: Key, friends: [UserSummary]) -> Bool {
        switch key {
        case .tab, .escape, .interrupt, .character("@"):
            return false
        case .down, .character("j"):
            selected = min(selected + 1, max(0, friends.count - 1))
        case .up, .character("k"):
            selected = max(selected - 1, 0)
        case .enter, .character(" "):
            guard friends.indices.contains(selected) else { break }
            let friend = friends[selected].id
            if let index = picked.firstIndex(of: friend) { picked.remove(at: index) } else { picked.append(friend) }
        default:
            break
        }
        return true
    }

    /// The friends a post with `audience` may mention: those it lets see it.
    public static func eligible(_ friends: [UserSummary], audience: Audience) -> [UserSummary] {
        friends.filter { audience.admits(friend: $0.id) }
    }
}
