import Foundation
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("attention: alerts while the terminal has no focus, coalesced, and how the terminal is asked")
struct AttentionTests {
    @Test("a like while unfocused alerts at once; a burst within the quiet time becomes one sentence at the tick")
    func burstCoalesced() {
        var app = state()
        let first = app.update(.push(.event(event(10, .like, post: 3, unread: 1))))
        #expect(first.contains(.alert("Bob liked your post")))
        // Nineteen more people like it within the quiet time: nothing said yet…
        for index in 0..<19 {
            let liker = UserSummary(id: "u\(index)", name: "U\(index)")
            let effects = app.update(
                .push(.event(event(11 + Int64(index), .like, by: liker, post: 3, unread: 2 + index))))
            #expect(!effects.contains { if case .alert = $0 { true } else { false } })
        }
        #expect(app.update(.tick(t0.addingTimeInterval(Attention.quiet - 1))).isEmpty)
        // …then one sentence for all of them, and nothing more until something new arrives.
        #expect(
            app.update(.tick(t0.addingTimeInterval(Attention.quiet))) == [.alert("U0 and 18 others liked your post")])
        #expect(app.update(.tick(t0.addingTimeInterval(Attention.quiet * 3))).isEmpty)
    }

    @Test("with the focus nothing is alerted; a focus report clears what waited; focus lost alerts again")
    func focus() {
        var app = state()
        _ = app.update(.focus(true))
        #expect(app.update(.push(.event(event(10, .comment, post: 3, text: "好美", unread: 1)))) == [])
        _ = app.update(.focus(false))
        #expect(
            app.update(.push(.event(event(11, .comment, post: 3, text: "好美", unread: 2)))) == [
                .alert("Bob commented: 好美")
            ])
        // Within the quiet time it waits; the user comes back and sees it on screen instead.
        _ = app.update(.push(.event(event(12, .like, by: carol, post: 1, unread: 3))))
        _ = app.update(.focus(true))
        #expect(app.update(.tick(t0.addingTimeInterval(60))).isEmpty)
    }

    @Test("our own events, unlikes and custom events alert nobody")
    func notEverything() {
        var app = state()
        #expect(app.update(.push(.event(event(10, .like, by: alice, post: 2, unread: 0)))).isEmpty)
        #expect(app.update(.push(.event(event(11, .unlike, post: 3, unread: 0)))).isEmpty)
        #expect(app.update(.push(.event(event(12, .custom, post: 3, unread: 1)))).isEmpty)
    }

    @Test("sentences for mixed bursts, two people, several posts and long comments")
    func sentences() {
        let long = String(repeating: "很", count: 100)
        #expect(
            Attention.sentence([event(1, .like, post: 1, unread: 0), event(2, .like, by: carol, post: 2, unread: 0)])
                == "Bob and Carol liked your posts")
        #expect(
            Attention.sentence([event(1, .like, post: 1, unread: 0), event(2, .comment, by: carol, post: 1, unread: 0)])
                == "Bob and Carol: 1 like, 1 comment")
        #expect(
            Attention.sentence([event(1, .comment, post: 1, text: long, unread: 0)])
                == "Bob commented: \(long.prefix(79))…")
        #expect(
            Attention.sentence([event(1, .comment, post: 1, unread: 0), event(2, .comment, post: 1, unread: 0)])
                == "Bob commented")
    }

    @Test("auto picks the terminal's notification from its environment, else the bell")
    func methodFromEnvironment() {
        #expect(Notifier.resolve(.auto, environment: ["TERM": "xterm-kitty"]) == .osc99)
        #expect(Notifier.resolve(.auto, environment: ["TERM_PROGRAM": "iTerm.app"]) == .osc9)
        #expect(Notifier.resolve(.auto, environment: ["TERM": "xterm-256color", "WT_SESSION": "x"]) == .osc9)
        #expect(Notifier.resolve(.auto, environment: ["TERM": "xterm-256color", "VTE_VERSION": "7200"]) == .osc777)
        #expect(Notifier.resolve(.auto, environment: ["TERM": "tmux-256color", "TERM_PROGRAM": "tmux"]) == .bell)
        #expect(Notifier.resolve(.osc9, environment: ["TERM": "xterm-kitty"]) == .osc9)
    }

    @Test("escapes: control characters dropped, wrapped for tmux with every ESC doubled")
    func escapes() {
        #expect(
            Notifier.escape("Bob\u{1B}]2;x\u{07} liked", method: .osc777, insideTmux: false)
                == "\u{1B}]777;notify;Moments;Bob]2;x liked\u{07}")
        #expect(Notifier.escape("hi", method: .osc9, insideTmux: false) == "\u{1B}]9;Moments: hi\u{07}")
        #expect(Notifier.escape("hi", method: .osc99, insideTmux: false) == "\u{1B}]99;;Moments: hi\u{1B}\\")
        #expect(Notifier.escape("hi", method: .bell, insideTmux: true) == "\u{07}")
        #expect(Notifier.escape("hi", method: .none, insideTmux: false) == nil)
        #expect(
            Notifier.escape("hi", method: .osc777, insideTmux: true)
                == "\u{1B}Ptmux;\u{1B}\u{1B}]777;notify;Moments;hi\u{07}\u{1B}\\")
    }
}
