import Synchronization

/// Hands actions from network tasks and signal handlers to the UI thread, which drains it
/// between key reads.
final class ActionQueue: Sendable {
    private let state = Mutex<(actions: [Action], quit: Bool)>(([], false))

    func push(_ action: Action) { state.withLock { $0.actions.append(action) } }

    func drain() -> [Action] {
        state.withLock { state in
            defer { state.actions.removeAll() }
            return state.actions
        }
    }

    /// From SIGTERM/SIGINT/SIGHUP: leave at the next loop turn, restoring the terminal.
    func requestQuit() { state.withLock { $0.quit = true } }

    var quitRequested: Bool { state.withLock { $0.quit } }
}
