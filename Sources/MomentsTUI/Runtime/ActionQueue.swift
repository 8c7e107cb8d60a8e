import NIOConcurrencyHelpers

/// The one way into the UI loop: keys, resizes, ticks, signals and network results are all
/// pushed here, from whichever thread or task produced them, and the loop drains them in order.
final class ActionQueue: Sendable {
    private let actions = NIOLockedValueBox<[Action]>([])

    func push(_ action: Action) { actions.withLockedValue { $0.append(action) } }

    func drain() -> [Action] {
        actions.withLockedValue { actions in
            defer { actions.removeAll() }
            return actions
        }
    }
}
