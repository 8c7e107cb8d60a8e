import MomentsCore

/// A friend request as each side is shown it: its sender learns to whom, its addressee from
/// whom (the stores read both sides).
extension FriendRequest {
    var asSent: FriendRequest { FriendRequest(id: id, to: to, note: note, createdAt: createdAt) }
    var asReceived: FriendRequest { FriendRequest(id: id, from: from, note: note, createdAt: createdAt) }
}

extension FriendRequests {
    /// `user`'s side of the pending requests they are in, in the order given.
    init(pending: [FriendRequest], of user: String) {
        self.init(
            incoming: pending.filter { $0.to?.id == user }.map(\.asReceived),
            outgoing: pending.filter { $0.from?.id == user }.map(\.asSent))
    }
}
