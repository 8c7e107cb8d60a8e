import MomentsCore
import MomentsStore

/// Reads a user's stream from the store after a cursor, one page at a time, for every
/// transport: each page is handed on before the next is read, so a long backlog never sits in
/// memory whole.
package struct StreamBacklog: Sendable {
    package let store: any MomentsStore

    package init(store: any MomentsStore) { self.store = store }

    package func read(
        user: String, after cursor: Int64, pageSize: Int = StreamLimits.replayPage,
        each: ([PushedEvent]) async throws -> Void
    ) async throws {
        var last = cursor
        while true {
            let page = try await store.events(user: user, after: last, limit: pageSize)
            if !page.isEmpty { try await each(page.map(PushedEvent.init)) }
            guard let newest = page.last, page.count == pageSize else { return }
            last = newest.id
        }
    }
}
