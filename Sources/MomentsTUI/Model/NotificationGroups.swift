import MomentsCore

/// The notifications screen's groups as the server made them (`?grouped=true`), kept up to
/// date with what arrives live by the same rule: a post's likes are one group, every other
/// notification one of its own.
enum NotificationGroups {
    /// `groups` (newest first) after `event`.
    static func fold(_ groups: [NotificationGroup], _ event: Event) -> [NotificationGroup] {
        var groups = groups
        switch event.type {
        case .like:
            let index = groups.firstIndex { $0.type == .like && $0.postId == event.postId }
            // A replay of a like the group counts already.
            guard let actor = event.actor, index.map({ groups[$0].newestId < event.id }) ?? true else { return groups }
            var group =
                index.map { groups.remove(at: $0) }
                ?? NotificationGroup(
                    type: .like, postId: event.postId, postExcerpt: event.postExcerpt, actors: [], count: 0,
                    newestId: event.id, unread: true)
            if !group.actors.contains(actor) { group.count += 1 }
            group.actors = Array(([actor] + group.actors.filter { $0 != actor }).prefix(3))
            group.newestId = event.id
            group.unread = true
            groups.insert(group, at: 0)
        case .unlike:
            // Told of an unlike, the user was told of the like it takes back: it was counted.
            guard let index = groups.firstIndex(where: { $0.type == .like && $0.postId == event.postId }),
                let actor = event.actor
            else { return groups }
            groups[index].actors.removeAll { $0 == actor }
            groups[index].count -= 1
            if groups[index].count <= 0 { groups.remove(at: index) }
        case .commentDeleted:
            groups.removeAll { $0.type == .comment && $0.commentId == event.commentId }
        case .postDeleted, .postHidden:
            groups.removeAll { $0.postId != nil && $0.postId == event.postId }
        case .unfriended:
            if let user = event.user?.id { groups = without(user, groups) }
        case .post:
            break
        case .comment, .mention, .friendRequest, .friendAccepted, .custom:
            guard !groups.contains(where: { $0.newestId == event.id }) else { return groups }
            groups.insert(
                NotificationGroup(
                    type: event.type, postId: event.postId, postExcerpt: event.postExcerpt,
                    actors: event.actor.map { [$0] } ?? [], count: 1, newestId: event.id, unread: true,
                    text: event.text, commentId: event.commentId, requestId: event.requestId,
                    replyTo: event.replyTo, data: event.data),
                at: 0)
        }
        return groups
    }

    /// `groups` once `user` is no longer a friend: out of each group of likes (one fewer), and
    /// every other group of theirs gone but a friend request.
    static func without(_ user: String, _ groups: [NotificationGroup]) -> [NotificationGroup] {
        groups.compactMap { group in
            guard group.actors.contains(where: { $0.id == user }) else { return group }
            guard group.type == .like else { return group.type == .friendRequest ? group : nil }
            var group = group
            group.actors.removeAll { $0.id == user }
            group.count -= 1
            return group.count > 0 ? group : nil
        }
    }
}
