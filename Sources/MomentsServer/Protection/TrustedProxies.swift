import Glibc
import HTTPTypes

/// `serve --trusted-proxy CIDR`: the peers whose `Forwarded` / `X-Forwarded-For` and
/// `X-Forwarded-Proto` are believed. From anyone else those headers are ignored, so a client
/// cannot pick its own address (and so its own rate-limit bucket) by sending them.
struct TrustedProxies: Sendable {
    private let ranges: [AddressRange]

    init(_ cidrs: [String]) throws {
        ranges = try cidrs.map { cidr in
            guard let range = AddressRange(cidr) else {
                throw ConfigurationError(
                    "--trusted-proxy \(cidr) is not an address or CIDR range (10.0.0.0/8, ::1/128)")
            }
            return range
        }
    }

    var isEmpty: Bool { ranges.isEmpty }

    func trusts(_ address: String) -> Bool {
        // Every request asks: without proxies configured, no address is parsed.
        guard !ranges.isEmpty, let bytes = AddressRange.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address: the peer's, or behind trusted proxies the right-most hop that is
    /// not one of them (hops further left were written by the client and prove nothing).
    func clientAddress(peer: String, headers: HTTPFields) -> String {
        guard trusts(peer) else { return peer }
        let hops = Self.forwardedFor(headers)
        for hop in hops.reversed() where !trusts(hop) { return hop }
        return hops.first ?? peer
    }

    /// The scheme the client used, as a trusted proxy says (`X-Forwarded-Proto`), else nil.
    func forwardedScheme(peer: String, headers: HTTPFields) -> String? {
        guard trusts(peer), let proto = headers[Self.forwardedProto] else { return nil }
        let scheme = proto.split(separator: ",").last?.trimmingCharacters(in: .whitespaces).lowercased()
        return scheme == "https" || scheme == "http" ? scheme : nil
    }

    static let forwarded = HTTPField.Name("Forwarded")!
    static let forwardedForName = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    /// The hops, left to right: RFC 7239 `Forwarded: for=…` when present, else `X-Forwarded-For`.
    static func forwardedFor(_ headers: HTTPFields) -> [String] {
        let forwardedValues = headers[values: forwarded]
        if !forwardedValues.isEmpty {
            return forwardedValues.flatMap { $0.split(separator: ",") }.compactMap { element in
                element.split(separator: ";").lazy.compactMap { pair -> String? in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "for"
                    else { return nil }
                    return node(parts[1])
                }.first
            }
        }
        return headers[values: forwardedForName].flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// `"[2001:db8::1]:4711"` → `2001:db8::1`, `192.0.2.60:80` → `192.0.2.60`.
    private static func node(_ raw: Substring) -> String {
        var value = raw.trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
            value = String(value.dropFirst().dropLast())
        }
        if value.hasPrefix("["), let end = value.firstIndex(of: "]") {
            return String(value[value.index(after: value.startIndex)..<end])
        }
        if value.filter({ $0 == ":" }).count == 1, let colon = value.firstIndex(of: ":") {
            return String(value[..<colon])
        }
        return value
    }
}

/// An IPv4 or IPv6 network, as bytes and a prefix length.
private struct AddressRange: Sendable {
    let network: [UInt8]
    let prefix: Int

    init?(_ cidr: String) {
        let parts = cidr.split(separator: "/", maxSplits: 1)
        guard let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, (0...bytes.count * 8).contains(prefix) else { return nil }
        network = bytes
        self.prefix = prefix
    }

    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        for bit in 0..<prefix {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if address[bit / 8] & mask != network[bit / 8] & mask { return false }
        }
        return true
    }

    static func bytes(of address: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
