/// What one node tells the others of a committed batch over NOTIFY: written and read here
/// only, so a change of it is one change, with a new version.
///
/// Version 2: a first line `-2:`, then `EVENT_ID:RECIPIENT` lines in id order. Version 1 (nodes
/// before it) had the lines alone. The header reads, to a version-1 node, as an event of id
/// -2 for nobody, which it passes over: nodes of both versions can share a database during a
/// rolling upgrade. A reader takes every version it knows; a newer one's payload it cannot
/// place, so its node resyncs every local session from the store rather than miss an event.
enum CrossNodePayload {
    static let version = 2
    /// NOTIFY's payload limit is 8000 bytes.
    static let limit = 7_900

    enum Decoded: Equatable {
        case events([Event])
        /// From a node newer than this one.
        case unknownVersion(Int)
    }

    struct Event: Equatable {
        let id: Int64
        let recipient: String
    }

    /// As few payloads as fit, each with the header, the events in order.
    static func encode(_ events: [Event]) -> [String] {
        guard !events.isEmpty else { return [] }
        let header = "-\(version):"
        var payloads: [String] = []
        var payload = header
        for event in events {
            let line = "\(event.id):\(event.recipient)"
            if payload != header, payload.utf8.count + 1 + line.utf8.count > limit {
                payloads.append(payload)
                payload = header
            }
            payload += "\n" + line
        }
        payloads.append(payload)
        return payloads
    }

    /// The events of a payload of any version this node knows; malformed lines are left out
    /// (and counted in `malformed`).
    static func decode(_ payload: String) -> (decoded: Decoded, malformed: Int) {
        var lines = payload.split(separator: "\n")[...]
        if let first = lines.first, first.hasPrefix("-"), first.hasSuffix(":"),
            let version = Int(first.dropFirst().dropLast())
        {
            guard version <= Self.version else { return (.unknownVersion(version), 0) }
            lines = lines.dropFirst()
        }
        var events: [Event] = []
        var malformed = 0
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), let id = Int64(line[..<colon]), id > 0 else {
                malformed += 1
                continue
            }
            events.append(Event(id: id, recipient: String(line[line.index(after: colon)...])))
        }
        return (.events(events), malformed)
    }
}
