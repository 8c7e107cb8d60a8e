import Foundation
import MomentsCore

public enum TransportMode: String, Sendable, CaseIterable {
    /// WebSocket, falling back to long-polling when the upgrade is refused.
    case auto
    case websocket
    case longpoll
}

/// What the push connection is doing, for the header of a UI.
public enum ConnectionState: Sendable, Equatable {
    case connecting
    case webSocket
    case longPolling
    case reconnecting(at: Date)
    /// The server refused the token: retrying cannot help.
    case tokenRejected
    /// The server's certificate failed verification: nothing is sent to it any more, over any
    /// transport (`ClientError.untrustedCertificate`'s text, for the UI).
    case untrusted(String)
}

/// What a `PushConnection` reports, in order.
public enum PushUpdate: Sendable, Equatable {
    case state(ConnectionState)
    /// The server's unread count, on (re)connect and with empty long-poll answers (events carry their own).
    case unread(Int)
    /// A new event: each id at most once, in increasing id order.
    case event(Event)
    /// The stream could not resume where it was: refetch what is on screen. Events after it
    /// are the new history's.
    case gap(HistoryGap)
    /// The history the stream is from (on first hearing it, and when it changes): keep it
    /// with the cursor, to resume in a later run.
    case epoch(String)
}
