import MomentsCore

/// The friends screen: requests to answer, requests waiting for an answer, and the friends,
/// one list to move through.
public struct FriendsScreen: Equatable, Sendable {
    /// What the server says, as one answer.
    public struct Lists: Equatable, Sendable {
        public var friends: [UserSummary]
        public var requests: FriendRequests

        public init(friends: [UserSummary], requests: FriendRequests) {
            self.friends = friends
            self.requests = requests
        }
    }

    public enum Row: Equatable, Sendable {
        case incoming(FriendRequest)
        case outgoing(FriendRequest)
        case friend(UserSummary)
    }

    public var lists = Lists(friends: [], requests: FriendRequests(incoming: [], outgoing: []))
    public var selected = 0
    /// Not loaded yet since the screen opened.
    public var loading = true
    /// The friend whose friendship ends if the user says yes.
    public var confirmingEnd: UserSummary?

    public var rows: [Row] {
        lists.requests.incoming.map(Row.incoming) + lists.requests.outgoing.map(Row.outgoing)
            + lists.friends.map(Row.friend)
    }

    public var selectedRow: Row? {
        let rows = rows
        return rows.indices.contains(selected) ? rows[selected] : nil
    }

    mutating func move(by offset: Int) {
        selected = min(max(selected + offset, 0), max(0, rows.count - 1))
    }
}

/// What a friend request sent or answered, or an ended friendship, did: for the message line.
public enum FriendChange: Equatable, Sendable {
    case requested(String)
    /// Friends now (a request accepted, or theirs crossed ours).
    case befriended(String)
    case declined(String)
    case unfriended(String)
}
