import Foundation
import MomentsCore

/// Key dispatch: the key's command (`KeyBindings`), global commands first, then the open
/// panel's; while composing, the editor has the keys.
extension AppState {
    mutating func handle(_ key: Key) -> [Effect] {
        if let target = confirmingDelete { return answerDelete(key, target) }
        if panel == .friends, let friend = friendsScreen.confirmingEnd {
            // Ending a friendship asks first: y (or Enter) ends it, any other key keeps it.
            friendsScreen.confirmingEnd = nil
            return key == .character("y") || key == .enter ? [.unfriend(friend)] : []
        }
        guard let command = keys.command(for: key) else {
            if panel == .help { panel = .feed }
            return []
        }
        return run(command)
    }

    mutating func run(_ command: Command) -> [Effect] {
        switch command {
        case .quit:
            return [.quit]
        case .help:
            panel = panel == .help ? .feed : .help
            helpOffset = 0
            return []
        case .notifications:
            if panel == .notifications {
                closeNotifications()
                return []
            }
            panel = .notifications
            notificationSelected = 0
            return [.loadNotifications, .loadNotificationGroups]
        case .refresh:
            refreshing = true
            message = nil
            return [.loadFeed(before: nil), .loadNotifications]
                + (panel == .notifications ? [.loadNotificationGroups] : [])
        case .back:
            closeNotifications()
            return []
        case .friends:
            if panel == .friends {
                panel = .feed
                return []
            }
            return openFriends()
        default:
            break
        }
        switch panel {
        case .help:
            // The list is longer than a small terminal: the moving keys scroll it, any other
            // key closes it.
            switch command {
            case .down: helpOffset += 1
            case .up: helpOffset = max(0, helpOffset - 1)
            case .pageDown: helpOffset += max(1, bodyRows - 2)
            case .pageUp: helpOffset = max(0, helpOffset - max(1, bodyRows - 2))
            default: panel = .feed
            }
            return []
        case .notifications:
            return notificationCommand(command)
        case .feed:
            return feedCommand(command)
        case .post:
            return postCommand(command)
        case .friends:
            return friendsCommand(command)
        }
    }

    private mutating func feedCommand(_ command: Command) -> [Effect] {
        switch command {
        case .down: return select(selected + 1)
        case .up where selected == 0, .top where !newPosts.isEmpty:
            return showNewPosts()
        case .up: return select(selected - 1)
        case .pageDown: return select(selected + feedScroll.pageDown)
        case .pageUp: return select(selected - feedScroll.pageUp)
        case .top: return select(0)
        case .bottom: return select(posts.count - 1)
        case .like: return toggleLike(selected)
        case .comment, .reply: return startComment(on: selectedPost, replyingTo: nil)
        case .delete: return askToDelete(selectedPost)
        case .post:
            compose = Compose(purpose: .post)
            return []
        case .open:
            return selectedPost.map { open($0) } ?? []
        case .nextUnread:
            return nextUnread()
        case .retry, .discard:
            return selectedPost.map { settleRefused(on: $0.id, retry: command == .retry) } ?? []
        default:
            return []
        }
    }

    private mutating func postCommand(_ command: Command) -> [Effect] {
        guard let index = posts.firstIndex(where: { $0.id == openPost.postId }) else {
            panel = .feed
            return []
        }
        let post = posts[index]
        let last = post.comments.count
        // The comments can have changed under the selection (a placeholder answered, one let go).
        openPost.scroll.selected = min(max(openPost.scroll.selected, 0), last)
        var scroll = openPost.scroll
        switch command {
        case .down: scroll.selected += 1
        case .up: scroll.selected -= 1
        case .pageDown: scroll.selected += scroll.pageDown
        case .pageUp: scroll.selected -= scroll.pageUp
        case .top: scroll.selected = 0
        case .bottom: scroll.selected = last
        case .like: return toggleLike(index)
        case .comment: return startComment(on: post, replyingTo: nil)
        case .reply: return startComment(on: post, replyingTo: openPost.selectedComment.map { post.comments[$0] })
        case .delete: return askToDelete(in: post, comment: openPost.selectedComment.map { post.comments[$0] })
        case .post: compose = Compose(purpose: .post)
        case .nextUnread:
            panel = .feed
            return nextUnread()
        case .retry, .discard:
            return settleRefused(on: post.id, retry: command == .retry)
        default: break
        }
        scroll.selected = min(max(scroll.selected, 0), last)
        openPost.scroll = scroll
        return []
    }

    private mutating func notificationCommand(_ command: Command) -> [Effect] {
        let groups = notificationGroups ?? []
        switch command {
        case .down:
            notificationSelected = min(notificationSelected + 1, max(0, groups.count - 1))
        case .up:
            notificationSelected = max(notificationSelected - 1, 0)
        case .top:
            notificationSelected = 0
        case .bottom:
            notificationSelected = max(0, groups.count - 1)
        case .open:
            // Open the post the group is about: from the feed, or loaded alone.
            guard groups.indices.contains(notificationSelected), let postId = groups[notificationSelected].postId
            else { break }
            closeNotifications()
            if let index = posts.firstIndex(where: { $0.id == postId }) { return select(index) + open(posts[index]) }
            return open(postId: postId)
        default:
            break
        }
        return []
    }

    /// Opens the post view on `post`, at the top, and asks for all of it (the feed has its
    /// latest comments only).
    mutating func open(_ post: Post) -> [Effect] {
        post.id > 0 ? open(postId: post.id) : []
    }

    /// The post view on the post with this id, loaded whole (and shown once it arrives when the
    /// feed does not have it).
    mutating func open(postId: Int64) -> [Effect] {
        openPost = OpenPost(postId: postId)
        panel = .post
        return [.loadPost(postId)]
    }

    private mutating func startComment(on post: Post?, replyingTo comment: Comment?) -> [Effect] {
        guard let post, post.id > 0 else { return [] }
        // A comment still being sent has no id to answer yet: a plain comment then.
        let replyTo = comment.flatMap { $0.id > 0 ? ReplyTo(commentId: $0.id, user: $0.author) : nil }
        compose = Compose(purpose: .comment(postId: post.id, author: post.author.name, replyTo: replyTo))
        return []
    }

    /// Selects the next post after the selection with unread likes or comments, wrapping
    /// round; says so when there is none.
    mutating func nextUnread() -> [Effect] {
        let unread = unreadPostIds
        guard !posts.isEmpty else { return [] }
        let order = (1...posts.count).map { (selected + $0) % posts.count }
        guard let next = order.first(where: { unread.contains(posts[$0].id) }) else {
            say(.nothingUnread)
            return []
        }
        return select(next)
    }

    mutating func editCompose(_ key: Key) -> [Effect] {
        guard var compose else { return [] }
        if var picker = compose.picker {
            let open = picker.update(key, friends: friendsScreen.lists.friends)
            compose.picker = open ? picker : nil
            compose.audience = picker.audience
            self.compose = compose
            return []
        }
        if var picker = compose.mentionPicker {
            let open = picker.update(
                key, friends: MentionPicker.eligible(friendsScreen.lists.friends, audience: compose.audience))
            compose.mentionPicker = open ? picker : nil
            compose.mentions = picker.picked
            self.compose = compose
            return []
        }
        if compose.attaching != nil {
            attach(key, &compose)
            self.compose = compose
            return []
        }
        if compose.purpose == .post, key == .control("o") {
            guard compose.pictures.count < MediaAttachment.perPost else {
                say(.failed(.post, reason: "a post has at most \(MediaAttachment.perPost) pictures"))
                return []
            }
            compose.attaching = PictureAttach()
            self.compose = compose
            return []
        }
        if compose.purpose == .post, keys.command(for: key) == .audience {
            compose.picker = AudiencePicker(compose.audience)
            self.compose = compose
            return [.loadFriends]
        }
        if compose.purpose == .post, keys.command(for: key) == .mention, compose.editor.atWordStart {
            compose.mentionPicker = MentionPicker(picked: compose.mentions)
            self.compose = compose
            return [.loadFriends]
        }
        switch key {
        case .escape, .interrupt:
            self.compose = nil
            reopenRefusedPost()
            return []
        case .enter:
            self.compose = nil
            let effects = submit(compose)
            reopenRefusedPost()
            return effects
        default:
            compose.update(key, history: sent)
            self.compose = compose
            return []
        }
    }

    /// A key while a picture is being attached: the path (Tab completes it), then the alt text;
    /// Esc gives up on this picture, not on the post.
    private mutating func attach(_ key: Key, _ compose: inout Compose) {
        guard var attaching = compose.attaching else { return }
        switch key {
        case .escape, .interrupt:
            compose.attaching = nil
            return
        case .tab where attaching.stage == .path:
            attaching.editor = LineEditor(PictureAttach.complete(attaching.editor.text))
        case .enter:
            switch attaching.stage {
            case .path:
                let path = PictureAttach.expand(attaching.editor.text.trimmingCharacters(in: .whitespacesAndNewlines))
                if let problem = PictureAttach.problem(with: path) {
                    say(.failed(.post, reason: problem))
                } else {
                    attaching = PictureAttach(stage: .alt(path: path))
                }
            case .alt(let path):
                let alt = attaching.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
                compose.pictures.append(PictureDraft(path: path, alt: alt))
                compose.attaching = nil
                return
            }
        default:
            attaching.editor.update(key)
        }
        compose.attaching = attaching
    }

    private mutating func submit(_ compose: Compose) -> [Effect] {
        let text = compose.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        // A post of pictures may say nothing.
        guard !text.isEmpty || (compose.purpose == .post && !compose.pictures.isEmpty) else { return [] }
        if !text.isEmpty, sent.last != text { sent.append(text) }
        switch compose.purpose {
        case .post:
            say(.posting)
            // Only those the audience lets see it (it may have changed since they were picked).
            let mentions = compose.mentions.filter { compose.audience.admits(friend: $0) }
            return [
                .createPost(
                    text: text, audience: compose.audience == .friends ? nil : compose.audience,
                    mentions: mentions.isEmpty ? nil : mentions, pictures: compose.pictures)
            ]
        case .friendRequest:
            let words = text.split(separator: " ", maxSplits: 1)
            return [.requestFriend(String(words[0]), note: words.count > 1 ? String(words[1]) : "")]
        case .comment(let postId, _, let replyTo):
            return addComment(text, to: postId, replyTo: replyTo)
        }
    }
}
