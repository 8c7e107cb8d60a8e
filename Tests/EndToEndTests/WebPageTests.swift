import Foundation
import MomentsClient
import MomentsCore
import MomentsImaging
import Testing

@testable import MomentsTestSupport

/// The web page in real headless Chromium against the real server binary.
@Suite("web page in Chromium", .serialized)
struct WebPageTests {
    struct Column: Decodable {
        let method: String
        let state: String
        let ids: [Int64]
    }

    static let columnsScript = """
        JSON.stringify([...document.querySelectorAll('.method')].map(m => ({
          method: m.dataset.method, state: m.dataset.state,
          ids: (m.dataset.eventIds || '').split(' ').filter(Boolean).map(Number)})))
        """

    static func columns(_ page: DevToolsPage) async throws -> [Column] {
        guard let json = try await page.evaluate(columnsScript) as? String else { return [] }
        return try JSONDecoder().decode([Column].self, from: Data(json.utf8))
    }

    @Test("signed in as alice, every push method's column receives bob's like; the page is saved as a PNG")
    func everyMethodReceivesTheLike() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let browser = try await Browser()
        defer { browser.close() }
        let alice = try server.api("alice")
        let bob = try server.api("bob")
        let serverURL = server.url.absoluteString
        let screenshot = Binaries.directory.deletingLastPathComponent().appendingPathComponent(
            "screenshots/web-page.png")

        try await browser.withPage { page in
            try await page.navigate(serverURL + "/")
            // The demo server offers its users; sign in as alice like a person would.
            _ = try await eventually("the demo sign-in buttons") {
                try await page.evaluate("!!document.querySelector('[data-user=alice]')") as? Bool == true ? true : nil
            }
            _ = try await page.evaluate("document.querySelector('[data-user=alice]').click()")
            _ = try await eventually("all five methods connected") { () -> Bool? in
                let columns = try await Self.columns(page)
                return columns.count == 5 && columns.allSatisfy { $0.state == "open" } ? true : nil
            }
            #expect(
                try await Self.columns(page).map(\.method) == ["polling", "longpoll", "iframe", "websocket", "sse"])
            #expect(try await page.evaluate("document.getElementById('who').textContent") as? String == "Alice @alice")

            let post = try #require(
                try await alice.feed().posts.first { post in
                    post.author.id == "alice" && !post.likers.contains { $0.id == "bob" }
                })
            _ = try await bob.like(postId: post.id)
            let event = try await alice.me().cursor
            let columns = try await eventually("every column to receive event \(event)") { () -> [Column]? in
                let columns = try await Self.columns(page)
                return columns.allSatisfy { $0.ids.contains(event) } ? columns : nil
            }
            #expect(columns.allSatisfy { $0.ids == [event] }, "each method got the like once: \(columns.map(\.ids))")
            let unread = try await alice.me().unread
            _ = try await eventually("the red badge at \(unread)") {
                try await page.evaluate(
                    "!document.getElementById('badge').hidden && document.getElementById('badge').textContent")
                    as? String == "\(unread)" ? true : nil
            }
            _ = try await eventually("the like on the post") {
                try await page.evaluate("document.querySelector('[data-post-id=\"\(post.id)\"] .likes').textContent")
                    as? String == " " + ([post.likers.map(\.name), ["Bob"]].flatMap { $0 }).joined(separator: ", ")
                    ? true : nil
            }

            // A comment written as markup shows as text and runs nothing.
            _ = try await bob.comment(postId: post.id, text: "<img src=x onerror=\"document.title='owned'\">好吃")
            _ = try await eventually("the comment on the page") {
                try await page.evaluate(
                    "document.querySelector('[data-post-id=\"\(post.id)\"] .comments li:last-child .body').textContent")
                    as? String == "Bob: <img src=x onerror=\"document.title='owned'\">好吃" ? true : nil
            }
            #expect(try await page.evaluate("document.querySelectorAll('.comments img').length") as? Int == 0)
            #expect(try await page.evaluate("document.title") as? String != "owned")

            // Twenty more events, then what each column measured, for the README (reported, not asserted).
            for round in 0..<10 {
                _ = try await (round % 2 == 0 ? bob.unlike(postId: post.id) : bob.like(postId: post.id))
                _ = try await bob.comment(postId: post.id, text: "第\(round)条")
            }
            let last = try await alice.me().cursor
            _ = try await eventually("every column to catch up to event \(last)") { () -> Bool? in
                try await Self.columns(page).allSatisfy { $0.ids.last == last } ? true : nil
            }
            try await page.screenshot(to: screenshot)
            let table = try await page.evaluate(
                """
                [...document.querySelectorAll('.method')].map(m => [m.dataset.method,
                  ...[...m.querySelectorAll('dd')].map(d => d.textContent)].join(' | ')).join('\\n')
                """)
            print("method | events | requests | bytes | delay last | delay p95\n\(table ?? "")")
        }
        let png = try Data(contentsOf: screenshot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        print("web page screenshot: \(screenshot.path)")
    }

    @Test("as bob, the page shows only what bob may see, and drops a post when its audience leaves him out")
    func onlyWhatBobMaySee() async throws {
        let server = try await ServerProcess()
        defer { server.stop() }
        let browser = try await Browser()
        defer { browser.close() }
        let apis = try ["alice", "carol", "bob"].map {
            MomentsAPI(server: server.url, token: try #require(server.tokens[$0]))
        }
        let (alice, carol, bob) = (apis[0], apis[1], apis[2])
        let release = try #require(try await alice.feed().posts.first { $0.text.hasPrefix("Moments is live") })
        // In the demo bob and carol are strangers.
        _ = try await carol.comment(postId: release.id, text: "carol on the web")
        _ = try await alice.comment(postId: release.id, text: "alice on the web")
        let serverURL = server.url.absoluteString

        try await browser.withPage { page in
            try await page.navigate(serverURL + "/")
            _ = try await eventually("the demo sign-in buttons") {
                try await page.evaluate("!!document.querySelector('[data-user=bob]')") as? Bool == true ? true : nil
            }
            _ = try await page.evaluate("document.querySelector('[data-user=bob]').click()")
            let feedText = "document.getElementById('feed').textContent"
            let feed = try await eventually("bob's feed") { () -> String? in
                let text = try await page.evaluate(feedText) as? String
                return text?.contains("alice on the web") == true ? text : nil
            }
            #expect(!feed.contains("carol on the web") && !feed.contains("Carol"), "\(feed)")

            let limited = try await alice.createPost(text: "for bob, for now", audience: .only(["bob"]))
            let selector = "document.querySelector('[data-post-id=\"\(limited.id)\"]')"
            _ = try await eventually("the limited post, live, with its mark") { () -> Bool? in
                let text = try await page.evaluate("\(selector)?.textContent ?? ''") as? String ?? ""
                return text.contains("for bob, for now") && text.contains("🔒 limited") ? true : nil
            }
            _ = try await alice.setAudience(postId: limited.id, .except(["bob"]))
            _ = try await eventually("the post gone from the page") {
                try await page.evaluate("\(selector) === null") as? Bool == true ? true : nil
            }
            _ = try await carol.requestFriend("bob", note: "网页上见")
            _ = try await eventually("carol's request in a toast") {
                try await page.evaluate("document.getElementById('toast').textContent") as? String
                    == "Carol asks to be your friend: 网页上见" ? true : nil
            }

            // Taken back elsewhere: alice's comment and then her post vanish from the page live.
            let aliceComment = try #require(
                try await alice.post(release.id).comments.last { $0.text == "alice on the web" })
            let commentSelector = "document.querySelector('[data-comment-id=\"\(aliceComment.id)\"]')"
            #expect(try await page.evaluate("\(commentSelector) !== null") as? Bool == true)
            try await alice.deleteComment(postId: release.id, commentId: aliceComment.id)
            _ = try await eventually("the comment gone from the page") {
                try await page.evaluate("\(commentSelector) === null") as? Bool == true ? true : nil
            }
            let doomed = try await alice.createPost(text: "soon gone")
            let doomedSelector = "document.querySelector('[data-post-id=\"\(doomed.id)\"]')"
            _ = try await eventually("the new post on the page") {
                try await page.evaluate("\(doomedSelector) !== null") as? Bool == true ? true : nil
            }
            try await alice.deletePost(doomed.id)
            _ = try await eventually("the deleted post gone from the page") {
                try await page.evaluate("\(doomedSelector) === null") as? Bool == true ? true : nil
            }
            // A reply shows whom it answers.
            let bobComment = try await bob.comment(postId: release.id, text: "bob on the web")
            _ = try await alice.comment(postId: release.id, text: "alice answers", replyTo: bobComment.id)
            _ = try await eventually("the reply, naming bob") { () -> Bool? in
                let text = try await page.evaluate(feedText) as? String ?? ""
                return text.contains("Alice → Bob: alice answers") ? true : nil
            }
        }
    }

    @Test("the feed shows the demo's pictures (the large one on a click), and a picture attached in the form is posted")
    func pictures() async throws {
        let server = try await ServerProcess(["--demo-pictures"])
        defer { server.stop() }
        let browser = try await Browser()
        defer { browser.close() }
        let serverURL = server.url.absoluteString
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).png")
        try Data(try TestImages.halves(width: 64, height: 48, as: .png)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let screenshot = Binaries.directory.deletingLastPathComponent().appendingPathComponent(
            "screenshots/web-page-pictures.png")

        try await browser.withPage { page in
            try await page.navigate(serverURL + "/")
            _ = try await eventually("the demo sign-in buttons") {
                try await page.evaluate("!!document.querySelector('[data-user=alice]')") as? Bool == true ? true : nil
            }
            _ = try await page.evaluate("document.querySelector('[data-user=alice]').click()")
            // Bob's hike (three) and alice's dumplings (one), each loaded: the signed addresses work.
            let loaded =
                "[...document.querySelectorAll('.pictures img')].filter(i => i.complete && i.naturalWidth > 0).length"
            _ = try await eventually("four pictures drawn") {
                try await page.evaluate(loaded) as? Int == 4 ? true : nil
            }
            let alts = try await page.evaluate(
                "[...document.querySelectorAll('.pictures img')].map(i => i.alt).join('|')")
            #expect((alts as? String)?.contains("a plate of dumplings") == true, "\(String(describing: alts))")
            _ = try await page.evaluate("document.querySelector('.pictures img').click()")
            _ = try await eventually("the large picture") {
                try await page.evaluate(
                    "(() => { const i = document.querySelector('#viewer img'); return !!i && i.complete && i.naturalWidth > 400 })()"
                ) as? Bool == true ? true : nil
            }
            try await page.screenshot(to: screenshot)
            _ = try await page.evaluate("document.getElementById('viewer').click()")

            // Attached in the form as a person would (the file chooser's answer), then posted.
            let document = try await page.send("DOM.getDocument")
            let root = try #require((document["root"] as? [String: Any])?["nodeId"] as? Int)
            let input = try await page.send("DOM.querySelector", ["nodeId": root, "selector": "#new-post-pictures"])
            let node = try #require(input["nodeId"] as? Int)
            _ = try await page.send("DOM.setFileInputFiles", ["files": [file.path], "nodeId": node])
            _ = try await eventually("the picture uploaded") {
                try await page.evaluate("document.getElementById('attached').textContent") as? String == "1 picture"
                    ? true : nil
            }
            _ = try await page.evaluate(
                "document.getElementById('new-post-text').value = 'from the web'; document.querySelector('#new-post button[type=submit]').click()"
            )
            _ = try await eventually("the new post with its picture") {
                try await page.evaluate(
                    "(() => { const p = [...document.querySelectorAll('.post')].find(p => p.textContent.includes('from the web')); const i = p && p.querySelector('.pictures img'); return !!i && i.complete && i.naturalWidth > 0 })()"
                ) as? Bool == true ? true : nil
            }
        }
        let posted = try #require(try await server.api("alice").feed().posts.first { $0.text == "from the web" })
        #expect(posted.media.count == 1 && posted.media[0].width == 64 && posted.media[0].height == 48)
    }
}
