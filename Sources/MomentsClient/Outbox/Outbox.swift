import Foundation
import MomentsCore

/// What a user did and the server has not yet answered: every write is journalled (fsynced)
/// before it is sent, sent in order under its own Idempotency-Key, and sent again, with backoff,
/// while the server is away or busy — across crashes and restarts of the program too, the key
/// making each write happen once. A refusal (a 4xx but 408, 409 and 429) is kept with the
/// server's reason until the user sends it again or lets it go.
public actor Outbox {
    public typealias Send = @Sendable (OutboxEntry) async throws -> OutboxAnswer

    public enum Event: Equatable, Sendable {
        case answered(OutboxEntry, OutboxAnswer)
        /// The entry, with the server's reason in `refusal`.
        case refused(OutboxEntry)
        /// Not sent: the server is unreachable or busy; it goes again after a pause.
        case waiting(OutboxEntry, reason: String)
    }

    /// Backoff with full jitter (a random pause up to the limit), the limit doubling from
    /// `firstPause` to `longestPause`: low, so a server that is back hears within two seconds.
    public static let firstPause: Duration = .milliseconds(250)
    public static let longestPause: Duration = .seconds(2)

    public private(set) var entries: [OutboxEntry]
    private let journal: OutboxJournal?
    private let send: Send
    private var kicked = false

    /// - Parameter journal: the file that keeps it across runs; nil keeps it in memory only.
    public init(journal: URL?, send: @escaping Send) throws {
        let journal = journal.map(OutboxJournal.init(url:))
        entries = try journal?.load() ?? []
        self.journal = journal
        self.send = send
    }

    /// Keeps the write (on disk first) and has it sent; the key is made now, once.
    @discardableResult
    public func add(_ write: OutboxEntry.Write, id: String = UUID().uuidString) throws -> OutboxEntry {
        let entry = OutboxEntry(id: id, write: write)
        try journal?.append(.add(entry))
        entries.append(entry)
        kicked = true
        return entry
    }

    /// A refused write goes again, as it was (the same key).
    public func retry(_ id: String) throws {
        try change(.retried(id))
        kicked = true
    }

    /// Lets a write go unsent.
    public func discard(_ id: String) throws {
        try change(.discarded(id))
    }

    /// Sends at once what is waiting rather than after the pause: another request has just
    /// reached the server.
    public func nudge() { kicked = true }

    /// Sends what waits, in order, until cancelled, telling each outcome.
    public func run(_ tell: @Sendable (Event) async -> Void) async {
        var pauses = 0
        while !Task.isCancelled {
            guard let next = entries.first(where: { $0.refusal == nil }) else {
                await pause(.seconds(3600))
                continue
            }
            do {
                let answer = try await send(next)
                try? change(.answered(next.id))
                pauses = 0
                await tell(.answered(next, answer))
            } catch let error as ClientError where Self.passes(error) {
                await tell(.waiting(next, reason: error.description))
                pauses += 1
                await pause(Self.jittered(pauses))
            } catch {
                let reason = Self.reason(error)
                try? change(.refused(next.id, reason: reason))
                var refused = next
                refused.refusal = reason
                await tell(.refused(refused))
            }
        }
    }

    /// In memory at once, then on disk: a journal that cannot be written (a full disk) must not
    /// make an answered write go again and again.
    private func change(_ line: OutboxJournal.Line) throws {
        OutboxJournal.apply(line, to: &entries)
        try journal?.append(line)
    }

    /// Until `longest` has passed or something asked for a send.
    private func pause(_ longest: Duration) async {
        let until = ContinuousClock.now + longest
        while !kicked, !Task.isCancelled, ContinuousClock.now < until {
            try? await Task.sleep(for: .milliseconds(50))
        }
        kicked = false
    }

    static func jittered(_ pauses: Int) -> Duration {
        let limit = min(Self.longestPause, Self.firstPause * (1 << min(pauses - 1, 10)))
        return .milliseconds(Int64.random(in: 0...limit.milliseconds))
    }

    /// Failures worth the same request again, under the same key: the server away or busy, an
    /// answer that could not be read (the write may have happened: the key makes a resend
    /// safe), a token or certificate refused (the user's to fix; the write waits meanwhile).
    /// Anything else the server said no to.
    public static func passes(_ error: ClientError) -> Bool {
        switch error {
        case .transport, .malformedResponse, .untrustedCertificate: true
        case .api(let status, _, _): [401, 408, 409, 429].contains(status) || status >= 500
        case .configuration: false
        }
    }

    /// The server's own words, not the status and code around them.
    static func reason(_ error: any Error) -> String {
        if case .api(_, _, let message) = error as? ClientError { return message }
        return (error as? ClientError)?.description ?? String(describing: error)
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
