import MomentsCore

/// Choosing who may see a new post (Tab while writing it): all friends, only some, all but
/// some, or only the author, the some picked from the friend list. Rows 0–3 are the four
/// choices, then one row per friend.
public struct AudiencePicker: Equatable, Sendable {
    public enum Choice: CaseIterable, Equatable, Sendable {
        case friends, only, except, onlyMe

        public var words: String {
            switch self {
            case .friends: "All friends"
            case .only: "Only …"
            case .except: "All but …"
            case .onlyMe: "Only me"
            }
        }
    }

    public var choice: Choice
    /// The friends picked, by id, for `only` and `except`.
    public var picked: [String]
    /// The row under the cursor: at first, the choice in force.
    public var selected: Int

    public init(_ audience: Audience) {
        switch audience {
        case .friends: (choice, picked) = (.friends, [])
        case .only(let users): (choice, picked) = (.only, users)
        case .except(let users): (choice, picked) = (.except, users)
        case .onlyMe: (choice, picked) = (.onlyMe, [])
        }
        selected = Choice.allCases.firstIndex(of: choice)!
    }

    /// What the post is sent with. `Only …` with nobody picked is only the author.
    public var audience: Audience {
        switch choice {
        case .friends: .friends
        case .only: picked.isEmpty ? .onlyMe : .only(picked)
        case .except: picked.isEmpty ? .friends : .except(picked)
        case .onlyMe: .onlyMe
        }
    }

    /// Moves, picks a choice, or picks a friend (which makes `All friends` or `Only me` into
    /// `Only …`); answers false when the picker closes (Tab, Esc).
    public mutating func update(_ key: Key, friends: [UserSummary]) -> Bool {
        let last = Choice.allCases.count + friends.count - 1
        switch key {
        case .tab, .escape, .interrupt:
            return false
        case .down, .character("j"):
            selected = min(selected + 1, last)
        case .up, .character("k"):
            selected = max(selected - 1, 0)
        case .enter, .character(" "):
            if selected < Choice.allCases.count {
                choice = Choice.allCases[selected]
            } else {
                let friend = friends[selected - Choice.allCases.count].id
                if choice == .friends || choice == .onlyMe { choice = .only }
                if let index = picked.firstIndex(of: friend) { picked.remove(at: index) } else { picked.append(friend) }
            }
        default:
            break
        }
        return true
    }

    /// The audience in a few words, by name: for the compose field's label.
    public static func describe(_ audience: Audience, names: [String: String]) -> String {
        let list = { (ids: [String]) in ids.map { names[$0] ?? $0 }.joined(separator: ", ") }
        return switch audience {
        case .friends: "all friends"
        case .only(let ids): "only \(list(ids))"
        case .except(let ids): "all but \(list(ids))"
        case .onlyMe: "only me"
        }
    }
}
