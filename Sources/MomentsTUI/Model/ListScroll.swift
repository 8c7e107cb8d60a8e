/// Which item of a list of items of different heights is selected (a post in the feed, a
/// comment in a post's view) and which line is at the top of the body, in the manner of
/// Ratatui's `ListState`: `update` moves the selection only; the view, which knows how tall
/// each item is, corrects the offset when it draws, so the selected item stays on screen.
public struct ListScroll: Equatable, Sendable {
    public var selected = 0
    /// The first feed line shown. Kept between frames so the view scrolls only when it must.
    public private(set) var offset = 0
    /// How many posts PgDn / PgUp move over: as many as filled one screen from the selection
    /// when the view last measured them.
    public private(set) var pageDown = 1
    public private(set) var pageUp = 1

    public init(selected: Int = 0) {
        self.selected = selected
    }

    /// Shows the selected item's first line (and all of it when it fits) in `viewport` lines;
    /// `height(i)` is how many lines item `i` of `count` takes.
    public mutating func correct(count: Int, viewport: Int, height: (Int) -> Int) {
        guard (0..<count).contains(selected) else {
            offset = 0
            pageDown = 1
            pageUp = 1
            return
        }
        let top = (0..<selected).reduce(0) { $0 + height($1) }
        let bottom = top + height(selected)
        if top < offset { offset = top }
        if bottom > offset + viewport { offset = min(top, bottom - viewport) }
        pageDown = Self.postsFilling(viewport, from: selected, step: 1, count: count, height: height)
        pageUp = Self.postsFilling(viewport, from: selected, step: -1, count: count, height: height)
    }

    private static func postsFilling(
        _ viewport: Int, from index: Int, step: Int, count: Int, height: (Int) -> Int
    ) -> Int {
        var used = 0
        var posts = 0
        var cursor = index
        while (0..<count).contains(cursor) {
            used += height(cursor)
            if used > viewport { break }
            posts += 1
            cursor += step
        }
        return max(1, posts)
    }
}
