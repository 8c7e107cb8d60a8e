import NIOConcurrencyHelpers

/// Says a node is listening only once every listener is: the ports are kept as each comes
/// up, and handed on together, the public listener's first, when the last one does. (Scripts
/// and people take "listening on" to mean the node is whole.)
final class ListeningReport: Sendable {
    typealias Announce = @Sendable (Int) async -> Void

    private let waiting: NIOLockedValueBox<[Int?]>
    private let announcers: [Announce]

    /// One announcer a listener, in the order they are to be told.
    init(_ announcers: [Announce]) {
        self.announcers = announcers
        waiting = NIOLockedValueBox(Array(repeating: nil, count: announcers.count))
    }

    /// Listener `index` is bound to `port`; the last to report tells them all.
    func listening(_ index: Int, port: Int) async {
        let ports = waiting.withLockedValue { ports -> [Int]? in
            ports[index] = port
            let bound = ports.compactMap { $0 }
            return bound.count == ports.count ? bound : nil
        }
        guard let ports else { return }
        for (announce, port) in zip(announcers, ports) { await announce(port) }
    }
}
