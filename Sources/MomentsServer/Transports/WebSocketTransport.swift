import Hummingbird
import HummingbirdCore
import Logging
import MomentsCore
import NIOCore

/// `GET /api/ws`: decides upgrades. The route runs behind the same middleware as before the
/// upgrade always did (origin, token; refusals answered with their real status by
/// `UpgradeRefusal`), checks the cursor and admission, and leaves a grant for
/// `PushUpgradeChannel`, which then hands the socket to a `WebSocketPushHandler`.
struct WebSocketTransport {
    let admission: Admission
    let grants: PushGrants

    func register(
        on router: Router<MomentsRequestContext>, origins: OriginPolicy, auth: AuthMiddleware, metrics: ServerMetrics
    ) {
        let api = router.group("api").add(middleware: UpgradeRefusal(metrics: metrics)).add(middleware: origins).add(
            middleware: auth)
        api.get("ws") { request, context -> Response in
            let cursor = try request.integer(query: "cursor", in: 0...Int64.max)
            let user = try context.requireUser()
            try admission.admit(user: user.id, address: context.clientAddress)
            grants.put(PushGrant(user: user, cursor: cursor), for: context.channel)
            return Response(status: .ok)
        }
    }

    /// Runs `router` on an upgrade request; the grant it left, if the answer was yes.
    static func admit(
        _ request: HTTPRequest, channel: any Channel, logger: Logger,
        router: some HTTPResponder<MomentsRequestContext>, grants: PushGrants
    ) async -> PushGrant? {
        let context = MomentsRequestContext(source: .init(channel: channel, logger: logger))
        let response = try? await router.respond(
            to: Request(head: request, body: .init(buffer: ByteBuffer())), context: context)
        let grant = grants.take(for: channel)
        return response?.status == .ok ? grant : nil
    }
}
