import Foundation
import MomentsClient
import MomentsCore
import Testing

@testable import MomentsTUI
@testable import MomentsTestSupport

/// The server could not resume the stream where moments-tui left it: the screens are read
/// again, and the message line says why.
@Suite("moments-tui: gaps in the server's history")
struct HistoryGapTests {
    @Test("expired: the feed and notifications are read again; the message says older notifications expired")
    func expired() {
        var s = state()
        s.newestEventId = 30
        #expect(s.update(.push(.gap(.expired))) == [.loadFeed(before: nil), .loadNotifications])
        #expect(s.newestEventId == 30)
        #expect(s.messageText?.hasPrefix("Older notifications have expired") == true)
    }

    @Test("reset: the old cursor is dropped for the one the new history's notifications bring")
    func reset() {
        var s = state()
        s.newestEventId = 30
        s.notificationGroups = []
        #expect(
            s.update(.push(.gap(.reset))) == [.loadFeed(before: nil), .loadNotifications, .loadNotificationGroups])
        #expect(s.messageText?.hasPrefix("The server's history was reset") == true)
        _ = s.update(.notificationsLoaded(.success(NotificationPage(notifications: [], unread: 0, cursor: 7))))
        #expect(s.newestEventId == 7)
    }

    @Test("the epoch is kept, saved with the snapshot, and a run started offline resumes with it")
    func epochSaved() {
        var s = state()
        _ = s.update(.push(.epoch("a1b2c3d4e5f60718")))
        #expect(s.streamEpoch == "a1b2c3d4e5f60718")
        let snapshot = s.snapshot
        #expect(snapshot.epoch == "a1b2c3d4e5f60718")
        #expect(AppState.offline(from: snapshot, now: t0).streamEpoch == "a1b2c3d4e5f60718")
    }
}
