import Foundation

/// The lines across a list that say where something changed: above the first post (or
/// notification) the previous run had seen, "new since you were last here"; above the first
/// one seen before the connection went down for a while, "offline 14:02–14:37 · 12 new".
enum Dividers {
    /// Index in the list → the words of the line above it. `ids` newest first; `lastVisit` and
    /// `gap` give the newest id each had seen.
    static func above(ids: [Int64], lastVisit: Int64?, gap: OfflineGap?, gapLastId: Int64?) -> [Int: String] {
        var lines: [Int: String] = [:]
        if let lastVisit, let index = ids.firstIndex(where: { $0 <= lastVisit }), index > 0 {
            lines[index] = FeedLayout.newSinceText
        }
        if let gap, let gapLastId, let index = ids.firstIndex(where: { $0 <= gapLastId }), index > 0 {
            lines[index] = "offline \(clock(gap.from))–\(clock(gap.to)) · \(index) new"
        }
        return lines
    }

    /// `14:02`, in the user's time zone. Drawn every frame while offline: no formatter made each time.
    static func clock(_ date: Date) -> String {
        let time = Calendar.current.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", time.hour ?? 0, time.minute ?? 0)
    }
}
