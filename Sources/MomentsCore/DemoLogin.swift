/// A demo user and a fresh token for them: what `GET /api/demo/logins` lists when the server
/// runs with `--demo`, so the web page can offer "sign in as Alice".
public struct DemoLogin: Codable, Sendable, Equatable {
    public var user: UserSummary
    public var token: String

    public init(user: UserSummary, token: String) {
        self.user = user
        self.token = token
    }
}

public struct DemoLogins: Codable, Sendable, Equatable {
    public var logins: [DemoLogin]

    public init(logins: [DemoLogin]) { self.logins = logins }
}
