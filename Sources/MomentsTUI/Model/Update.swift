import Foundation
import MomentsClient
import MomentsCore

extension AppState {
    static let messageDuration: TimeInterval = 5

    /// Applies one action and answers the effects the runtime should perform. Pure: no I/O.
    public mutating func update(_ action: Action) -> [Effect] {
        switch action {
        case .key(let key):
            return input != nil ? editInput(key) : handle(key)
        case .resize(let rows, let columns):
            self.rows = rows
            self.columns = columns
            keepSelectionVisible()
            return []
        case .tick(let date):
            now = date
            if let message, message.until <= date { self.message = nil }
            return []
        case .push(let update):
            return apply(update)
        case .feedLoaded(let outcome, let appending):
            loadingMore = false
            switch outcome {
            case .success(let page): showFeed(page, appending: appending)
            case .failure(let reason): say("Could not load the feed: \(reason)", error: true)
            }
            return []
        case .notificationsLoaded(.success(let page)):
            notifications = page.notifications
            unread = page.unread
            newestEventId = max(newestEventId, page.cursor)
            notificationSelected = min(notificationSelected, max(0, notifications.count - 1))
            return panel == .notifications ? markAllRead() : []
        case .notificationsLoaded(.failure(let reason)):
            say("Could not load notifications: \(reason)", error: true)
            return []
        case .likeSettled(let postId, let outcome):
            let snapshot = likeSnapshots.removeValue(forKey: postId)
            switch outcome {
            case .success(let post): replace(post)
            case .failure(let reason):
                if let snapshot { replace(snapshot) }
                say("Like failed: \(reason)", error: true)
            }
            return []
        case .commentSettled(let placeholderId, let postId, let outcome):
            settleComment(placeholderId: placeholderId, postId: postId, outcome)
            return []
        case .postSettled(.success(let post)):
            if !posts.contains(where: { $0.id == post.id }) { posts.insert(post, at: 0) }
            selected = 0
            scrollTop = 0
            say("Posted.")
            return []
        case .postSettled(.failure(let reason)):
            say("Post failed: \(reason)", error: true)
            return []
        case .markedRead(.success(let count)):
            unread = count
            return []
        case .markedRead(.failure(let reason)):
            say("Could not mark read: \(reason)", error: true)
            return []
        }
    }

    // MARK: keys

    private mutating func handle(_ key: Key) -> [Effect] {
        switch key {
        case .character("q"), .interrupt:
            return [.quit]
        case .character("?"):
            panel = panel == .help ? .feed : .help
            return []
        case .character("n"):
            if panel == .notifications {
                closeNotifications()
                return []
            }
            panel = .notifications
            notificationSelected = 0
            return [.loadNotifications]
        case .character("r"):
            say("Refreshing…")
            return [.loadFeed(before: nil), .loadNotifications]
        case .escape:
            closeNotifications()
            return []
        default:
            break
        }
        switch panel {
        case .help:
            panel = .feed
            return []
        case .notifications:
            return handleNotificationKey(key)
        case .feed:
            return handleFeedKey(key)
        }
    }

    private mutating func handleFeedKey(_ key: Key) -> [Effect] {
        switch key {
        case .character("j"), .down: return select(selected + 1)
        case .character("k"), .up: return select(selected - 1)
        case .pageDown: return select(selected + postsPerPage(from: selected, forward: true))
        case .pageUp: return select(selected - postsPerPage(from: selected, forward: false))
        case .home, .character("g"): return select(0)
        case .end, .character("G"): return select(posts.count - 1)
        case .character("l"): return toggleLike()
        case .character("c"):
            guard let post = selectedPost, post.id > 0 else { return [] }
            input = Input(purpose: .comment(postId: post.id, author: post.author.name))
            return []
        case .character("p"):
            input = Input(purpose: .post)
            return []
        default:
            return []
        }
    }

    private mutating func handleNotificationKey(_ key: Key) -> [Effect] {
        switch key {
        case .character("j"), .down:
            notificationSelected = min(notificationSelected + 1, max(0, notifications.count - 1))
        case .character("k"), .up:
            notificationSelected = max(notificationSelected - 1, 0)
        case .enter:
            // Jump to the post the notification is about, when the feed has it.
            if notifications.indices.contains(notificationSelected),
                let index = posts.firstIndex(where: { $0.id == notifications[notificationSelected].event.postId })
            {
                closeNotifications()
                return select(index)
            }
        default:
            break
        }
        return []
    }

    private mutating func editInput(_ key: Key) -> [Effect] {
        guard var input else { return [] }
        switch key {
        case .escape, .interrupt:
            self.input = nil
            return []
        case .enter:
            self.input = nil
            return submit(input)
        case .character(let character):
            input.text.insert(character, at: input.cursor)
            input.cursor += 1
        case .tab:
            input.text.insert(" ", at: input.cursor)
            input.cursor += 1
        case .backspace where input.cursor > 0:
            input.cursor -= 1
            input.text.remove(at: input.cursor)
        case .delete where input.cursor < input.text.count:
            input.text.remove(at: input.cursor)
        case .left: input.cursor = max(0, input.cursor - 1)
        case .right: input.cursor = min(input.text.count, input.cursor + 1)
        case .home: input.cursor = 0
        case .end: input.cursor = input.text.count
        default: break
        }
        self.input = input
        return []
    }

    private mutating func submit(_ input: Input) -> [Effect] {
        let text = String(input.text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return [] }
        switch input.purpose {
        case .post:
            say("Posting…")
            return [.createPost(text: text)]
        case .comment(let postId, _):
            guard let index = posts.firstIndex(where: { $0.id == postId }) else { return [] }
            let placeholder = Comment(id: nextPlaceholderId, postId: postId, author: me, text: text, createdAt: now)
            nextPlaceholderId -= 1
            posts[index].comments.append(placeholder)
            keepSelectionVisible()
            return [.comment(postId: postId, text: text, placeholderId: placeholder.id)]
        }
    }

    // MARK: feed

    private mutating func select(_ index: Int) -> [Effect] {
        guard !posts.isEmpty else { return [] }
        selected = min(max(index, 0), posts.count - 1)
        keepSelectionVisible()
        if selected == posts.count - 1, let before = nextBefore, !loadingMore {
            loadingMore = true
            return [.loadFeed(before: before)]
        }
        return []
    }

    /// How many posts, starting at `index`, fill one screen: the PgUp/PgDn step.
    private func postsPerPage(from index: Int, forward: Bool) -> Int {
        var used = 0
        var count = 0
        var cursor = index
        while posts.indices.contains(cursor) {
            used += FeedLayout.height(of: posts[cursor], width: columns)
            if used > bodyRows { break }
            count += 1
            cursor += forward ? 1 : -1
        }
        return max(1, count)
    }

    mutating func keepSelectionVisible() {
        guard posts.indices.contains(selected) else {
            scrollTop = 0
            return
        }
        let heights = posts.map { FeedLayout.height(of: $0, width: columns) }
        let top = heights[..<selected].reduce(0, +)
        let bottom = top + heights[selected]
        if top < scrollTop { scrollTop = top }
        if bottom > scrollTop + bodyRows { scrollTop = min(top, bottom - bodyRows) }
    }

    private mutating func showFeed(_ page: FeedPage, appending: Bool) {
        let selectedId = selectedPost?.id
        if appending {
            let known = Set(posts.map(\.id))
            posts += page.posts.filter { !known.contains($0.id) }
        } else {
            posts = page.posts
            if message?.text == "Refreshing…" { message = nil }
        }
        nextBefore = page.nextBefore
        selected =
            selectedId.flatMap { id in posts.firstIndex { $0.id == id } } ?? min(selected, max(0, posts.count - 1))
        keepSelectionVisible()
    }

    private mutating func replace(_ post: Post) {
        guard let index = posts.firstIndex(where: { $0.id == post.id }) else { return }
        // Keep comments still waiting for the server's answer.
        let pending = posts[index].comments.filter { $0.id < 0 }
        posts[index] = post
        posts[index].comments += pending
    }

    private mutating func toggleLike() -> [Effect] {
        guard let post = selectedPost, post.id > 0 else { return [] }
        guard likeSnapshots[post.id] == nil else { return [] }  // one request per post at a time
        likeSnapshots[post.id] = post
        var changed = post
        if post.likedByMe {
            changed.likers.removeAll { $0.id == me.id }
        } else if !changed.likers.contains(me) {
            changed.likers.append(me)
        }
        changed.likedByMe.toggle()
        changed.likeCount = changed.likers.count
        posts[selected] = changed
        return [post.likedByMe ? .unlike(postId: post.id) : .like(postId: post.id)]
    }

    private mutating func settleComment(placeholderId: Int64, postId: Int64, _ outcome: Outcome<Comment>) {
        guard let index = posts.firstIndex(where: { $0.id == postId }) else { return }
        let placeholder = posts[index].comments.firstIndex { $0.id == placeholderId }
        switch outcome {
        case .success(let comment):
            if let placeholder {
                if posts[index].comments.contains(where: { $0.id == comment.id }) {
                    posts[index].comments.remove(at: placeholder)
                } else {
                    posts[index].comments[placeholder] = comment
                }
            }
        case .failure(let reason):
            if let placeholder { posts[index].comments.remove(at: placeholder) }
            say("Comment failed: \(reason)", error: true)
        }
        keepSelectionVisible()
    }

    // MARK: push

    private mutating func apply(_ update: PushUpdate) -> [Effect] {
        switch update {
        case .state(let state):
            connection = state
            if state == .tokenRejected { say("The server rejected the token: get a new one.", error: true) }
            if case .untrusted(let reason) = state { say(reason, error: true) }
            return []
        case .unread(let count):
            unread = count
            return panel == .notifications && count > 0 ? markAllRead() : []
        case .event(let event):
            newestEventId = max(newestEventId, event.id)
            unread = event.unread
            if !notifications.contains(where: { $0.id == event.id }) {
                notifications.insert(NotificationEntry(event: event, read: event.type == .unlike), at: 0)
            }
            applyToFeed(event)
            say(Self.sentence(for: event))
            return panel == .notifications ? markAllRead() : []
        }
    }

    private mutating func applyToFeed(_ event: Event) {
        guard let actor = event.actor, let index = posts.firstIndex(where: { $0.id == event.postId }) else { return }
        var post = posts[index]
        switch event.type {
        case .like:
            if !post.likers.contains(where: { $0.id == actor.id }) { post.likers.append(actor) }
        case .unlike:
            post.likers.removeAll { $0.id == actor.id }
        case .comment:
            if let id = event.commentId, !post.comments.contains(where: { $0.id == id }) {
                post.comments.append(
                    Comment(id: id, postId: post.id, author: actor, text: event.text ?? "", createdAt: event.createdAt))
            }
        case .custom:
            return
        }
        post.likeCount = post.likers.count
        posts[index] = post
        keepSelectionVisible()
    }

    /// Clears the badge and marks read on the server; the open panel keeps showing which
    /// entries were new until it closes.
    private mutating func markAllRead() -> [Effect] {
        guard unread > 0 else { return [] }
        unread = 0
        return [.markRead(upTo: newestEventId)]
    }

    private mutating func closeNotifications() {
        if panel == .notifications {
            for index in notifications.indices { notifications[index].read = true }
        }
        panel = .feed
    }

    /// How a notification reads in the message line and the notifications panel.
    public static func sentence(for event: Event) -> String {
        let actor = event.actor?.name ?? "Someone"
        let excerpt = event.postExcerpt ?? ""
        return switch event.type {
        case .like: "\(actor) liked your post “\(excerpt)”"
        case .unlike: "\(actor) took back a like on “\(excerpt)”"
        case .comment: "\(actor) commented: \(event.text ?? "")"
        case .custom: "A message for you from the service"
        }
    }

    mutating func say(_ text: String, error: Bool = false) {
        message = Message(text: text, isError: error, until: now.addingTimeInterval(Self.messageDuration))
    }
}
