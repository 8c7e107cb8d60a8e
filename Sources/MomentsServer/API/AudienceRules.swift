import MomentsCore

/// An audience as a client may ask for it: each user named once, at most `maxNamed`, and an
/// `only` list naming someone (an empty one is `private`, and should say so). Whether the
/// named are friends is the store's rule (`invalid_audience` too).
enum AudienceRules {
    static let maxNamed = 500

    static func validate(_ audience: Audience) throws -> Audience {
        var seen = Set<String>()
        let named = audience.named.filter { seen.insert($0).inserted }
        guard named.count <= maxNamed else {
            throw APIError(.badRequest, "invalid_audience", "an audience names at most \(maxNamed) users")
        }
        switch audience {
        case .only:
            guard !named.isEmpty else {
                throw APIError(.badRequest, "invalid_audience", "only needs at least one friend (or use private)")
            }
            return .only(named)
        case .except: return named.isEmpty ? .friends : .except(named)
        case .friends, .onlyMe: return audience
        }
    }
}

extension AudienceRules {
    static let maxMentions = 50

    /// Each user mentioned once, at most `maxMentions`. Whether each is a friend inside the
    /// audience is the store's rule (`invalid_mention` too).
    static func validateMentions(_ mentions: [String]) throws -> [String] {
        var seen = Set<String>()
        let unique = mentions.filter { seen.insert($0).inserted }
        guard unique.count <= maxMentions else {
            throw APIError(.badRequest, "invalid_mention", "a post mentions at most \(maxMentions) friends")
        }
        return unique
    }
}

/// A friend request's note: optional, short, one line.
enum NoteRules {
    static let maxCharacters = 200

    static func validate(_ note: String) throws -> String {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maxCharacters else {
            throw APIError.badRequest("note is longer than \(maxCharacters) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("note must not contain control characters")
        }
        return trimmed
    }
}
