import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

@Suite("View: the frame as text")
struct ViewTests {
    @Test("the header shows the user, the connection and a red badge only while unread > 0")
    func header() {
        var s = state(unread: 3)
        _ = s.update(.push(.state(.webSocket)))
        var screen = render(s)
        #expect(screen.text(0).contains("Alice @alice"))
        #expect(screen.text(0).contains("● websocket"))
        #expect(screen.text(0).hasSuffix("● 3 "))
        let badge = screen.lines[0].first { $0.text == "● 3" }
        #expect(badge?.style.role == .unread)

        s.unread = 0
        s.connection = .longPolling
        screen = render(s)
        #expect(!screen.text(0).contains("● 0"))
        #expect(screen.text(0).contains("◐ long-polling"))
        s.connection = .reconnecting(at: t0.addingTimeInterval(3.2))
        #expect(render(s).text(0).contains("○ reconnecting in 4s"))
        s.connection = .tokenRejected
        #expect(render(s).text(0).contains("✕ token rejected"))
        s.connection = .untrusted("TLS: certificate not trusted for moments.example.com (expired)")
        #expect(render(s).text(0).contains("✕ TLS: certificate not trusted"))
        s.insecureTLS = true
        #expect(render(s).text(0).contains("⚠ insecure TLS"))
    }

    @Test("the terminal title carries the unread count first, and none when all is read")
    func title() {
        var s = state(unread: 3)
        #expect(View.title(s) == "(3) Moments · Alice")
        s.unread = 0
        #expect(View.title(s) == "Moments · Alice")
    }

    @Test("narrowing, the header gives up the id, the name and the title before the connection and the badge")
    func narrowHeader() {
        let connections: [ConnectionState] = [.webSocket, .longPolling, .reconnecting(at: t0.addingTimeInterval(9))]
        for connection in connections {
            for insecure in [false, true] {
                var s = state(unread: 12)
                s.connection = connection
                s.insecureTLS = insecure
                for columns in [20, 24, 30, 40, 60, 100] {
                    _ = s.update(.resize(rows: 20, columns: columns))
                    let header = render(s).text(0)
                    let what = "\(connection), insecure \(insecure), \(columns) columns: \(header)"
                    #expect(header.hasSuffix("● 12 "), "\(what)")
                    #expect(header.contains(String(View.connection(s).text.prefix(1))), "\(what)")
                    #expect(!header.contains("…"), "nothing cut mid-word: \(what)")
                    if insecure { #expect(header.contains("⚠"), "\(what)") }
                    if columns >= 60 { #expect(header.contains(View.connection(s).text), "\(what)") }
                    if columns == 100 { #expect(header.contains("Moments · Alice @alice"), "\(what)") }
                }
            }
        }
    }

    @Test("the key hints keep the most useful keys that fit, never cut, and always `? help`")
    func narrowHints() {
        var s = state()
        _ = s.update(.resize(rows: 20, columns: 100))
        #expect(
            render(s).text(18).trimmingCharacters(in: .whitespaces)
                == "j/k move  enter open  l like  c comment  p post  u unread  n notifications  q quit  ? help")
        _ = s.update(.resize(rows: 20, columns: 80))
        #expect(render(s).text(18).contains("n notifications  q quit  ? help"))
        _ = s.update(.resize(rows: 20, columns: 40))
        #expect(render(s).text(18).trimmingCharacters(in: .whitespaces) == "j/k move  enter open  l like  ? help")
        _ = s.update(.resize(rows: 20, columns: 20))
        #expect(render(s).text(18).trimmingCharacters(in: .whitespaces) == "j/k move  ? help")
        // Bound anew, the hints say the new keys.
        s.keys.bind(.like, to: [.character("f")])
        _ = s.update(.resize(rows: 20, columns: 100))
        #expect(render(s).text(18).contains("f like"))
    }

    @Test("every row is exactly the screen width, CJK and emoji included")
    func rowsFitWidth() {
        let cjk = post(5, by: bob, "周末去爬山，山顶的日出太美了 🌄 周末去爬山，山顶的日出太美了 🌄 周末去爬山", likers: [alice, carol])
        for columns in [20, 41, 80] {
            var s = state(posts: [cjk, post(4)])
            _ = s.update(.resize(rows: 20, columns: columns))
            let screen = render(s)
            for row in 0..<screen.rows {
                #expect(CellWidth.of(screen.text(row)) == columns, "row \(row) at \(columns) columns")
            }
        }
    }

    @Test("the feed shows author, age, text, likes and comments; the selection is marked")
    func feed() {
        var first = post(3, "hello world", likers: [bob, carol])
        first.comments = [Comment(id: 1, postId: 3, author: bob, text: "nice 👍", createdAt: t0)]
        let text = render(state(posts: [first, post(2, by: bob, "第二条")])).plainText
        #expect(text.contains("┃ Alice · 5m"))
        #expect(text.contains("┃ hello world"))
        #expect(text.contains("┃ ♥ 2 Bob, Carol"))
        #expect(text.contains("┃   Bob: nice 👍"))
        #expect(text.contains("  Bob · 5m"))
        #expect(text.contains("  第二条"))
        #expect(text.contains("q quit"))
    }

    @Test("the editor shows its label, the text and the cursor after it")
    func editor() {
        var s = state()
        _ = s.update(.key(.character("c")))
        for character in "中文" { _ = s.update(.key(.character(character))) }
        let screen = render(s)
        #expect(screen.text(22).hasPrefix("Comment on Alice's post › 中文"))
        #expect(screen.cursor == Screen.Cursor(row: 22, column: CellWidth.of("Comment on Alice's post › ") + 4))
    }

    @Test("the notifications panel lists sentences, new ones marked")
    func notificationsPanel() {
        var s = state()
        _ = s.update(.key(.character("n")))
        s.notifications = [
            NotificationEntry(event: event(2, .comment, by: carol, post: 3, text: "我要来", unread: 1), read: false),
            NotificationEntry(event: event(1, .like, post: 3, unread: 0), read: true),
        ]
        _ = s.update(grouped(s.notifications))
        let text = render(s).plainText
        #expect(text.contains(" ● Carol commented: 我要来"))
        #expect(text.contains("   Bob liked your post “post”"))
    }

    @Test(
        "without colour (NO_COLOR), the badge, unread marks and errors show in reverse, the selection and a heart given in bold"
    )
    func monochrome() {
        var s = state(posts: [post(3, likers: [alice]), post(2, by: bob)], unread: 2)
        _ = s.update(
            .notificationsLoaded(
                .success(
                    NotificationPage(
                        notifications: [NotificationEntry(event: event(9, .like, post: 2, unread: 2), read: false)],
                        unread: 2,
                        cursor: 9))))
        s.say(.failed(.like, reason: "server unreachable"))
        let spans = render(s).lines.flatMap { $0 }
        func shown(_ text: String) -> Style? { spans.first { $0.text.contains(text) }?.style.monochrome }
        #expect(shown("● 2")?.reverse == true)
        #expect(shown("● new")?.reverse == true)
        #expect(shown("Like failed")?.reverse == true)
        #expect(shown("┃")?.bold == true)
        #expect(shown("♥ 1")?.bold == true)
        #expect(spans.allSatisfy { $0.style.monochrome.role == .normal })
    }
}
