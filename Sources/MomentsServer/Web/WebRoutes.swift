import Hummingbird
import MomentsCore
import MomentsStore

/// The web page at `/` (assets/web) and, in demo mode, the list of demo logins it offers.
struct WebRoutes {
    let assets: WebAssets
    let tokens: TokenAuthority
    let demo: Bool

    func register(on router: Router<MomentsRequestContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        router.get(":file") { _, context in try serve(context.parameters.get("file") ?? "") }
        router.get("api/demo/logins") { _, _ -> DemoLogins in
            // Handing out tokens is only acceptable for a local demo, which is what --demo means.
            guard demo else { throw APIError.notFound("demo logins exist only with serve --demo") }
            var logins: [DemoLogin] = []
            for user in DemoSeed.users {
                logins.append(DemoLogin(user: user, token: try await tokens.issue(user: user.id, ttl: .seconds(86400))))
            }
            return DemoLogins(logins: logins)
        }
    }

    private func serve(_ name: String) throws -> Response {
        guard let file = assets.files[name] else { throw APIError.notFound("no such file") }
        var headers = SecurityHeaders.page
        headers[.contentType] = file.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.body)))
    }
}

extension DemoLogins: ResponseEncodable {}
