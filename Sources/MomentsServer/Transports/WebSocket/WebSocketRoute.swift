import Hummingbird
import MomentsCore

/// `GET /api/ws`, declared here only: the WebSocket upgrade's decision, behind the same
/// middleware as every route (the error shape, the token), plus the origin check, the cursor
/// and admission. An admitted upgrade answers 101 and leaves its grant in the context's
/// `PushUpgrade`; `PushUpgradeGate` then switches the connection over.
struct WebSocketRoute {
    let enabled: Bool
    let origins: OriginPolicy
    let admission: Admission

    func register(on api: RouterGroup<MomentsRequestContext>) {
        api.group("ws").add(middleware: origins).get { request, context -> Response in
            guard enabled else { throw Self.switchedOff }
            guard let upgrade = context.pushUpgrade else { throw Self.upgradeRequired }
            let cursor = try request.integer(query: "cursor", in: 0...Int64.max)
            let epoch = try request.epoch()
            let user = try context.requireUser()
            try admission.admit(user: user.id, address: context.clientAddress)
            upgrade.admit(PushGrant(user: user, cursor: cursor, epoch: epoch, client: context.clientAddress))
            return Response(status: .switchingProtocols)
        }
    }

    private static let upgradeRequired = APIError(
        .upgradeRequired, "upgrade_required", "this endpoint speaks WebSocket only")
    private static let switchedOff = APIError(
        .serviceUnavailable, "websocket_unavailable", "WebSocket is switched off here: use /api/poll")
}
