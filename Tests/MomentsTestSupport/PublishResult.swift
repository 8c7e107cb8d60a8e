/// `POST /api/publish`'s answer as a backend service reads it: the ids of the `custom` events
/// made, one per recipient. (The server writes it by hand, and no client of ours publishes.)
struct PublishResult: Decodable, Equatable {
    var ids: [Int64]
}
