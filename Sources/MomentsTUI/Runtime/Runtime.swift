import Dispatch
import Foundation
import Logging
import MomentsClient
import MomentsCore

/// Runs the Elm-style loop: input and network become actions, `update` changes the state and
/// asks for effects, effects run as tasks whose results come back as actions, `View` draws.
///
/// `@unchecked Sendable`: after `run()` hands it to its own thread, only that thread touches
/// `state` and the terminal; tasks reach it through the locked `ActionQueue` alone.
public final class Runtime: @unchecked Sendable {
    private let api: MomentsAPI
    private let pushOptions: PushConnection.Options
    private let logger: Logger
    private let queue = ActionQueue()
    private var state: AppState

    public init(api: MomentsAPI, state: AppState, pushOptions: PushConnection.Options, logger: Logger) {
        self.api = api
        self.state = state
        self.pushOptions = pushOptions
        self.logger = logger
    }

    /// Runs the UI on a thread of its own (it blocks in ncurses, and must stay off the
    /// cooperative pool the network uses) until the user quits or a signal arrives.
    public func run() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                self.loop()
                done.resume()
            }.start()
        }
    }

    private func loop() {
        let signals = trapSignals()
        let terminal = Terminal()
        defer {
            terminal.close()
            signals.forEach { $0.cancel() }
        }
        let connection = PushConnection(api: api, after: state.newestEventId, options: pushOptions, logger: logger)
        let push = Task { [queue] in
            for await update in connection.updates() { queue.push(.push(update)) }
        }
        defer { push.cancel() }

        var size = terminal.size
        _ = state.update(.resize(rows: size.rows, columns: size.columns))
        var lastFrame: Screen?
        var lastTick = Date()
        while !queue.quitRequested {
            var actions = queue.drain()
            if Date().timeIntervalSince(lastTick) >= 0.5 {
                lastTick = Date()
                actions.append(.tick(lastTick))
            }
            for action in actions {
                if !perform(state.update(action)) { return }
            }

            let frame = View.render(&state)
            if frame != lastFrame {
                terminal.draw(frame)
                lastFrame = frame
            }

            switch terminal.read(waiting: 30) {
            case .key(let key):
                if !perform(state.update(.key(key))) { return }
            case .resize:
                size = terminal.size
                _ = state.update(.resize(rows: size.rows, columns: size.columns))
                lastFrame = nil
            case .hangup:
                return
            case nil:
                break
            }
        }
    }

    /// Starts each effect; false when one of them is `.quit`.
    private func perform(_ effects: [Effect]) -> Bool {
        for effect in effects {
            switch effect {
            case .quit:
                return false
            case .like(let postId):
                spawn { api in .likeSettled(postId: postId, await Self.outcome { try await api.like(postId: postId) }) }
            case .unlike(let postId):
                spawn { api in .likeSettled(postId: postId, await Self.outcome { try await api.unlike(postId: postId) })
                }
            case .comment(let postId, let text, let placeholderId):
                spawn { api in
                    .commentSettled(
                        placeholderId: placeholderId, postId: postId,
                        await Self.outcome { try await api.comment(postId: postId, text: text) })
                }
            case .createPost(let text):
                spawn { api in .postSettled(await Self.outcome { try await api.createPost(text: text) }) }
            case .loadFeed(let before):
                spawn { api in
                    .feedLoaded(await Self.outcome { try await api.feed(before: before) }, appending: before != nil)
                }
            case .loadNotifications:
                spawn { api in .notificationsLoaded(await Self.outcome { try await api.notifications() }) }
            case .markRead(let upTo):
                spawn { api in .markedRead(await Self.outcome { try await api.markRead(upTo: upTo).unread }) }
            }
        }
        return true
    }

    private func spawn(_ work: @escaping @Sendable (MomentsAPI) async -> Action) {
        Task { [api, queue] in queue.push(await work(api)) }
    }

    private static func outcome<Value>(_ work: () async throws -> Value) async -> Outcome<Value> {
        do {
            return .success(try await work())
        } catch let error as ClientError {
            if case .api(_, _, let message) = error { return .failure(message) }
            return .failure(error.description)
        } catch {
            return .failure(String(describing: error))
        }
    }

    /// SIGTERM, SIGINT and SIGHUP end the loop normally, so the terminal is always restored.
    private func trapSignals() -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [queue] in queue.requestQuit() }
            source.resume()
            return source
        }
    }
}
