import Foundation
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("ListScroll: selection and offset, corrected when drawn")
struct ListScrollTests {
    func corrected(_ scroll: ListScroll, heights: [Int], viewport: Int) -> ListScroll {
        var scroll = scroll
        scroll.correct(count: heights.count, viewport: viewport) { heights[$0] }
        return scroll
    }

    @Test("a selection below the screen scrolls just far enough to show all of it")
    func scrollsDown() {
        let scroll = corrected(ListScroll(selected: 3), heights: [4, 4, 4, 4, 4], viewport: 10)
        #expect(scroll.offset == 6)  // post 3 is lines 12..<16
    }

    @Test("a selection above the screen brings its first line to the top")
    func scrollsUp() {
        var scroll = corrected(ListScroll(selected: 4), heights: [4, 4, 4, 4, 4], viewport: 10)
        #expect(scroll.offset == 10)
        scroll.selected = 1
        scroll = corrected(scroll, heights: [4, 4, 4, 4, 4], viewport: 10)
        #expect(scroll.offset == 4)
    }

    @Test("moving within the screen does not scroll")
    func sticky() {
        var scroll = corrected(ListScroll(selected: 4), heights: [3, 3, 3, 3, 3], viewport: 7)
        let offset = scroll.offset
        scroll.selected = 3
        #expect(corrected(scroll, heights: [3, 3, 3, 3, 3], viewport: 7).offset == offset)
    }

    @Test("a post taller than the screen shows from its first line")
    func tallPost() {
        let scroll = corrected(ListScroll(selected: 1), heights: [2, 30, 2], viewport: 10)
        #expect(scroll.offset == 2)
    }

    @Test("an empty feed or a selection outside it resets to the top")
    func empty() {
        var scroll = corrected(ListScroll(selected: 4), heights: [5, 5, 5, 5, 5], viewport: 6)
        #expect(scroll.offset > 0)
        scroll = corrected(scroll, heights: [], viewport: 6)
        #expect(scroll.offset == 0)
        #expect(scroll.pageDown == 1)
    }

    @Test("a page is as many posts as fill the screen from the selection, at least one")
    func pages() {
        let scroll = corrected(ListScroll(selected: 2), heights: [3, 3, 3, 3, 3, 3, 3], viewport: 10)
        #expect(scroll.pageDown == 3)
        #expect(scroll.pageUp == 3)
        let tall = corrected(ListScroll(selected: 0), heights: [30, 3], viewport: 10)
        #expect(tall.pageDown == 1)
        #expect(tall.pageUp == 1)
    }

    @Test("drawn at any size, the selected post's header is on screen after every move")
    func selectionStaysVisible() {
        let many = (1...40).reversed().map { post(Int64($0), String(repeating: "word ", count: Int($0) % 7 * 9)) }
        for (rows, columns) in [(24, 80), (12, 30), (8, 120)] {
            var s = state(posts: many)
            _ = s.update(.resize(rows: rows, columns: columns))
            let keys: [Key] = Array(repeating: .down, count: 25) + [.pageDown, .pageUp, .pageUp] + [.end, .up, .home]
            for key in keys {
                _ = s.update(.key(key))
                let screen = View.render(&s)
                let header = "┃ Alice · 5m"
                let body = (2..<(2 + s.bodyRows)).map { screen.text($0) }
                #expect(body.contains { $0.hasPrefix(header) }, "\(key) at \(rows)x\(columns), post \(s.selected)")
            }
        }
    }

    @Test("a resize keeps the selection on screen")
    func resize() {
        let many = (1...20).reversed().map { post(Int64($0), "post number \($0)") }
        var s = state(posts: many)
        for _ in 0..<5 { _ = s.update(.key(.down)) }
        _ = View.render(&s)
        _ = s.update(.resize(rows: 6, columns: 40))
        let screen = View.render(&s)
        #expect((2..<4).contains { screen.text($0).hasPrefix("┃ Alice") })
        #expect(screen.plainText.contains("post number 15"))
    }
}
