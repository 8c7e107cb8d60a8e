import HTTPTypes
import Testing

@testable import MomentsServer

/// Which address a request comes from, behind trusted proxies and not.
@Suite("Trusted proxies")
struct TrustedProxiesTests {
    static func headers(_ fields: [(String, String)]) -> HTTPFields {
        var headers = HTTPFields()
        for (name, value) in fields { headers.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return headers
    }

    @Test("from a trusted proxy: the right-most hop that is not a proxy; from anyone else: the peer")
    func clientAddress() throws {
        let proxies = try TrustedProxies(["127.0.0.1/32", "10.0.0.0/8"])
        let forged = Self.headers([("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.1.2.3")])
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: forged) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "198.51.100.9", headers: forged) == "198.51.100.9")
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: [:]) == "127.0.0.1")
        let onlyProxies = Self.headers([("X-Forwarded-For", "10.0.0.5")])
        #expect(proxies.clientAddress(peer: "127.0.0.1", headers: onlyProxies) == "10.0.0.5")
    }

    @Test("RFC 7239 Forwarded wins over X-Forwarded-For, with ports and IPv6 brackets stripped")
    func forwarded() throws {
        let proxies = try TrustedProxies(["::1/128"])
        let headers = Self.headers([
            ("Forwarded", #"for=192.0.2.43:47011, for="[2001:db8:cafe::17]:4711";proto=https"#),
            ("X-Forwarded-For", "6.6.6.6"),
        ])
        #expect(proxies.clientAddress(peer: "::1", headers: headers) == "2001:db8:cafe::17")
    }

    @Test("X-Forwarded-Proto counts from a trusted proxy only")
    func scheme() throws {
        let proxies = try TrustedProxies(["127.0.0.0/8"])
        let headers = Self.headers([("X-Forwarded-Proto", "https")])
        #expect(proxies.forwardedScheme(peer: "127.0.0.2", headers: headers) == "https")
        #expect(proxies.forwardedScheme(peer: "192.0.2.1", headers: headers) == nil)
    }

    @Test("a CIDR that is not one is refused with a clear line")
    func badRange() {
        #expect(throws: ConfigurationError.self) { try TrustedProxies(["10.0.0.0/33"]) }
        #expect(throws: ConfigurationError.self) { try TrustedProxies(["proxy.example"]) }
    }
}
