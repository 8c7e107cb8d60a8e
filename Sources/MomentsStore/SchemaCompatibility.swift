/// Which binaries may use a database, so a rolling upgrade can stop half-way: the database
/// records the oldest schema step a binary must know to read and write it, and a binary that
/// knows less refuses to start rather than misread it.
///
/// Both stores have the same steps (v1, v2 …), counted from 1.
enum SchemaCompatibility {
    /// After each step, the oldest step a binary must know. A step that only adds (a table the
    /// older code never reads, a column with a default its writes may leave out) keeps the
    /// value before it, so the previous release still starts on the upgraded database
    /// mid-roll; a step that changes what rows mean or who may see what raises it to itself.
    static let oldestReader: [Int] = [
        1,
        2,  // v2 custom events: events without an actor
        3,  // v3 unread counters: an older write would leave them wrong
        3,  // v4 idempotency keys: added
        5,  // v5 token revocations: an older node would accept revoked tokens
        6,  // v6 privacy: an older node would show what the rules hide
        7,  // v7 deletes and replies: events outlive their posts
        7,  // v8 retention: added (an older node does not prune, and its cursors have no epoch)
        7,  // v9 media: added (an older node shows no pictures; what its deletes leave, the sweep takes)
    ]

    /// Where both stores keep it, in their `settings` table.
    static let settingKey = "oldest_reader"

    /// What a database that has had `applied` steps needs, given what it recorded before.
    static func needed(applied: Int, recorded: Int?) -> Int {
        max(recorded ?? 0, applied > 0 ? oldestReader[min(applied, oldestReader.count) - 1] : 0)
    }

    /// Refuses a database that needs more than the `known` steps, in one line an operator reads.
    static func check(recorded: Int?, known: Int) throws {
        guard let recorded, recorded > known else { return }
        throw StoreSetupError(
            "this database needs a newer moments-server (one that knows schema v\(recorded)); "
                + "this one knows up to v\(known)")
    }
}
