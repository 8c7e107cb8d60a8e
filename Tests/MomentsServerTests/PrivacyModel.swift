import MomentsCore

/// A small reference model of Moments' privacy rules, written apart from the store's
/// (`Visibility`, `NotificationRules`): visibility is judged afresh on every read here, where
/// the stores keep marks and counters. `PrivacyModelTests` runs random steps on both and
/// compares what every user sees after each.
struct PrivacyModel {
    struct PostState {
        var author: String
        var text: String
        var audience: Audience
    }

    struct Event {
        var type: EventType
        var actor: String?
        var post: Int?
        var text: String?
        var request: Int?
        var read: Bool
    }

    struct Request {
        var from: String
        var to: String
        var state: String
    }

    /// What a step should end in.
    enum Answer: Equatable, CustomStringConvertible {
        case ok
        case notFound
        case refused(String)

        var description: String {
            switch self {
            case .ok: "ok"
            case .notFound: "not found"
            case .refused(let code): code
            }
        }
    }

    let users: [String]
    var friendships: Set<[String]> = []
    var posts: [PostState] = []
    /// Likers of each post, in the order they liked.
    var likes: [Int: [String]] = [:]
    var comments: [(post: Int, author: String, text: String)] = []
    var streams: [String: [Event]] = [:]
    var requests: [Request] = []

    init(users: [String]) { self.users = users }

    func areFriends(_ a: String, _ b: String) -> Bool { friendships.contains([a, b].sorted()) }

    func friends(of user: String) -> [String] { users.filter { $0 != user && areFriends(user, $0) } }

    func maySee(post index: Int, _ viewer: String) -> Bool {
        let post = posts[index]
        if post.author == viewer { return true }
        guard areFriends(viewer, post.author) else { return false }
        switch post.audience {
        case .friends: return true
        case .only(let named): return named.contains(viewer)
        case .except(let named): return !named.contains(viewer)
        case .onlyMe: return false
        }
    }

    func maySee(_ maker: String, on post: Int, _ viewer: String) -> Bool {
        maySee(post: post, viewer) && (maker == viewer || areFriends(viewer, maker))
    }

    func maySee(_ event: Event, _ viewer: String) -> Bool {
        switch event.type {
        case .like, .unlike, .comment, .post: maySee(event.actor!, on: event.post!, viewer)
        default: true
        }
    }

    private mutating func tell(_ user: String, _ event: Event) { streams[user, default: []].append(event) }

    // MARK: steps

    mutating func createPost(_ author: String, _ text: String, _ audience: Audience) -> Answer {
        if audience.named.contains(where: { !areFriends(author, $0) }) { return .refused("invalid_audience") }
        posts.append(PostState(author: author, text: text, audience: audience))
        let index = posts.count - 1
        for friend in friends(of: author) where maySee(post: index, friend) {
            tell(friend, Event(type: .post, actor: author, post: index, text: text, read: true))
        }
        return .ok
    }

    mutating func setAudience(_ author: String, _ post: Int, _ audience: Audience) -> Answer {
        guard posts[post].author == author else { return .notFound }
        if audience.named.contains(where: { !areFriends(author, $0) }) { return .refused("invalid_audience") }
        let before = friends(of: author).filter { maySee(post: post, $0) }
        posts[post].audience = audience
        let after = friends(of: author).filter { maySee(post: post, $0) }
        for friend in friends(of: author) {
            if !before.contains(friend), after.contains(friend) {
                tell(friend, Event(type: .post, actor: author, post: post, text: posts[post].text, read: true))
            } else if before.contains(friend), !after.contains(friend) {
                tell(friend, Event(type: .postHidden, actor: author, post: post, read: true))
            }
        }
        return .ok
    }

    mutating func like(_ user: String, _ post: Int) -> Answer {
        guard maySee(post: post, user) else { return .notFound }
        guard !(likes[post] ?? []).contains(user) else { return .ok }
        likes[post, default: []].append(user)
        let author = posts[post].author
        if author != user { tell(author, Event(type: .like, actor: user, post: post, read: false)) }
        return .ok
    }

    mutating func unlike(_ user: String, _ post: Int) -> Answer {
        guard maySee(post: post, user) else { return .notFound }
        guard let at = likes[post]?.firstIndex(of: user) else { return .ok }
        likes[post]!.remove(at: at)
        let author = posts[post].author
        guard author != user else { return .ok }
        for index in streams[author, default: []].indices {
            let event = streams[author]![index]
            if event.type == .like, event.actor == user, event.post == post { streams[author]![index].read = true }
        }
        tell(author, Event(type: .unlike, actor: user, post: post, read: true))
        return .ok
    }

    mutating func comment(_ user: String, _ post: Int, _ text: String) -> Answer {
        guard maySee(post: post, user) else { return .notFound }
        let earlier = Set(comments.filter { $0.post == post }.map(\.author))
        comments.append((post, user, text))
        let author = posts[post].author
        for recipient in Set([author]).union(earlier) where recipient != user && maySee(user, on: post, recipient) {
            tell(recipient, Event(type: .comment, actor: user, post: post, text: text, read: false))
        }
        return .ok
    }

    mutating func markAllRead(_ user: String) {
        for index in streams[user, default: []].indices { streams[user]![index].read = true }
    }

    mutating func befriend(_ a: String, _ b: String) {
        friendships.insert([a, b].sorted())
    }

    mutating func unfriend(_ a: String, _ b: String) -> Answer {
        guard areFriends(a, b) else { return .notFound }
        friendships.remove([a, b].sorted())
        tell(a, Event(type: .unfriended, actor: b, read: true))
        tell(b, Event(type: .unfriended, actor: a, read: true))
        return .ok
    }

    /// Answers the request made, if one was.
    mutating func requestFriend(_ from: String, _ to: String, note: String) -> (Answer, made: Int?) {
        if from == to { return (.refused("invalid_request"), nil) }
        if areFriends(from, to) { return (.refused("already_friends"), nil) }
        let pending = requests.indices.filter { requests[$0].state == "pending" }
        if pending.contains(where: { requests[$0].from == from && requests[$0].to == to }) {
            return (.refused("request_pending"), nil)
        }
        if let theirs = pending.first(where: { requests[$0].from == to && requests[$0].to == from }) {
            accept(theirs)
            return (.ok, nil)
        }
        requests.append(Request(from: from, to: to, state: "pending"))
        tell(
            to,
            Event(
                type: .friendRequest, actor: from, text: note.isEmpty ? nil : note, request: requests.count - 1,
                read: false))
        return (.ok, requests.count - 1)
    }

    mutating func answer(_ request: Int, by user: String, accept: Bool) -> Answer {
        guard requests[request].to == user else { return .notFound }
        switch (requests[request].state, accept) {
        case ("pending", true): self.accept(request)
        case ("pending", false):
            requests[request].state = "declined"
            readRequest(request)
        case ("accepted", true), ("declined", false): break
        default: return .notFound
        }
        return .ok
    }

    private mutating func accept(_ index: Int) {
        let request = requests[index]
        requests[index].state = "accepted"
        befriend(request.from, request.to)
        tell(request.from, Event(type: .friendAccepted, actor: request.to, request: index, read: false))
        readRequest(index)
    }

    private mutating func readRequest(_ index: Int) {
        let to = requests[index].to
        for event in streams[to, default: []].indices where streams[to]![event].request == index {
            if streams[to]![event].type == .friendRequest { streams[to]![event].read = true }
        }
    }

    // MARK: what a user sees

    /// The feed, newest first; each post as one line, with every visible like and comment.
    func feed(_ viewer: String) -> [String] {
        posts.indices.reversed().filter { maySee(post: $0, viewer) }.map { post(viewer, $0) }
    }

    func post(_ viewer: String, _ index: Int) -> String {
        let post = posts[index]
        let likers = (likes[index] ?? []).filter { maySee($0, on: index, viewer) }
        let visible = comments.filter { $0.post == index && maySee($0.author, on: index, viewer) }
        let isAuthor = post.author == viewer
        var limited = false
        if isAuthor { limited = post.audience != .friends } else if case .only = post.audience { limited = true }
        return Self.line(
            author: post.author, text: post.text, likers: likers, comments: visible.map { ($0.author, $0.text) },
            count: visible.count, limited: limited, audience: isAuthor ? Self.sorted(post.audience) : nil)
    }

    /// A post as one line, the same for what the store shows and what the model says.
    static func line(
        author: String, text: String, likers: [String], comments: [(author: String, text: String)], count: Int,
        limited: Bool, audience: Audience?
    ) -> String {
        "\(author):\(text) likes[\(likers.joined(separator: ","))] comments["
            + comments.map { "\($0.author):\($0.text)" }.joined(separator: ",")
            + "] \(count) limited:\(limited)\(audience.map { " audience \($0)" } ?? "")"
    }

    func replay(_ viewer: String) -> [String] {
        (streams[viewer] ?? []).filter { maySee($0, viewer) }.map(Self.line)
    }

    /// Newest first, without the news-only types.
    func notifications(_ viewer: String) -> [String] {
        (streams[viewer] ?? []).filter { maySee($0, viewer) && $0.type.isListed }.reversed().map(Self.line)
    }

    func unread(_ viewer: String) -> Int {
        (streams[viewer] ?? []).count { maySee($0, viewer) && !$0.read }
    }

    static func line(_ event: Event) -> String {
        "\(event.type.rawValue):\(event.actor ?? "-"):\(event.post.map(String.init) ?? "-"):\(event.text ?? ""):\(event.read)"
    }

    static func sorted(_ audience: Audience) -> Audience {
        switch audience {
        case .only(let named): .only(named.sorted())
        case .except(let named): .except(named.sorted())
        default: audience
        }
    }
}
