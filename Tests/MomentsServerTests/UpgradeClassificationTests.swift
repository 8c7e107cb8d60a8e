import HTTPTypes
import Testing

@testable import MomentsServer

/// Which requests the gate takes aside as upgrades: exactly those NIO's HTTP decoder stops
/// parsing after (it reads nothing more on that connection), whatever their path.
@Suite("PushUpgradeGate: what counts as an upgrade request")
struct UpgradeClassificationTests {
    static func request(_ fields: [(HTTPField.Name, String)]) -> HTTPRequest {
        var request = HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/api/ws")
        for (name, value) in fields { request.headerFields.append(HTTPField(name: name, value: value)) }
        return request
    }

    @Test("Connection: upgrade (any case, in a list) with an Upgrade header; either alone is a plain request")
    func classification() {
        #expect(PushUpgradeGate.asksToUpgrade(Self.request([(.connection, "Upgrade"), (.upgrade, "websocket")])))
        #expect(
            PushUpgradeGate.asksToUpgrade(Self.request([(.connection, "keep-alive, UPGRADE"), (.upgrade, "h2c")])))
        #expect(!PushUpgradeGate.asksToUpgrade(Self.request([(.upgrade, "websocket")])))
        #expect(!PushUpgradeGate.asksToUpgrade(Self.request([(.connection, "upgrade")])))
        #expect(!PushUpgradeGate.asksToUpgrade(Self.request([(.connection, "keep-alive"), (.upgrade, "websocket")])))
        #expect(!PushUpgradeGate.asksToUpgrade(Self.request([(.connection, "upgraded"), (.upgrade, "websocket")])))
    }
}
