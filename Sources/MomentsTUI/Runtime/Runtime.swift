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
    private let runner: EffectRunner
    private let pushOptions: PushConnection.Options
    private let logger: Logger
    private let colors: Bool
    private let theme: Theme
    private let mouse: Bool
    private let stateFiles: StateFiles?
    /// Resolved (never `.auto`).
    private let notify: Notifier.Method
    private let insideTmux: Bool
    /// How pictures are drawn: resolved from `--images` and the terminal at start.
    private let images: ImagesMode
    private let pictureLoader: PictureLoader
    /// Pictures asked of the loader (on the loop's thread only).
    private var picturesAsked: Set<PictureKey> = []
    private let queue = ActionQueue()
    private var state: AppState

    /// - Parameters:
    ///   - colors: false for `NO_COLOR` / `--no-color`.
    ///   - notify: how to get the user's attention (`auto`: from the environment).
    ///   - stateFiles: where to keep what the next run needs (where this one left off).
    ///   - outbox: where the user's writes wait for the server (in memory only by default).
    public init(
        api: MomentsAPI, state: AppState, pushOptions: PushConnection.Options, logger: Logger, colors: Bool = true,
        theme: Theme = .standard, mouse: Bool = false, notify: Notifier.Method = .auto, stateFiles: StateFiles? = nil,
        outbox: Outbox? = nil, images: ImagesMode = .auto,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.api = api
        self.colors = colors
        self.theme = theme
        self.mouse = mouse
        self.stateFiles = stateFiles
        self.notify = Notifier.resolve(notify, environment: environment)
        self.insideTmux = environment["TMUX"] != nil
        self.images = images.resolved(environment: environment, colors: colors)
        self.pictureLoader = PictureLoader(
            folder: PictureLoader.cacheFolder(environment: environment), logger: logger
        ) { [api] address in try await api.picture(address) }
        self.runner = EffectRunner(service: api, outbox: outbox)
        self.state = state
        self.pushOptions = pushOptions
        self.logger = logger
    }

    /// Runs the UI on a thread of its own (it blocks in ncurses, and must stay off the
    /// cooperative pool the network uses) until the user quits or a signal arrives.
    public func run() async {
        // What an earlier run left in the outbox shows as waiting before the outbox sends any of
        // it, so each answer finds what it settles.
        for effect in state.update(.restored(await runner.restored())) { _ = await runner.run(effect) }
        _ = state.update(await runner.waiting())
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                self.loop()
                done.resume()
            }.start()
        }
    }

    private func loop() {
        let signals = trapSignals()
        let terminal = Terminal(colors: colors, theme: theme, mouse: mouse)
        state.pictures = PictureBoard(mode: images, depth: terminal.depth)
        var kitty = KittyPlacer()
        var frameTimes = FrameTimes()
        defer {
            logger.info("\(frameTimes)")
            Terminal.send(kitty.clear())
            terminal.close()
            signals.forEach { $0.cancel() }
            saveVisit()
        }
        let connection = PushConnection(
            api: api, after: state.newestEventId, epoch: state.streamEpoch, options: pushOptions, logger: logger)
        let push = Task { [queue, runner] in
            for await update in connection.updates() {
                queue.push(.push(update))
                // Connected again: the server is back, so what waits goes now, not after its pause.
                if case .state(let state) = update, state == .webSocket || state == .longPolling {
                    await runner.outbox.nudge()
                }
            }
        }
        let keeping = Task { [queue, runner, writes] in
            for await effect in writes.stream {
                if let action = await runner.run(effect) { queue.push(action) }
            }
        }
        let sending = Task { [queue, runner] in
            await runner.outbox.run { [logger] event in
                // The screen says "waiting"; the log keeps the whole reason.
                if case .waiting(let entry, let reason) = event {
                    logger.info(
                        "write waiting for the server", metadata: ["key": "\(entry.id)", "reason": "\(reason)"])
                }
                for action in await runner.report(event) { queue.push(action) }
            }
        }
        let ticker = Task { [queue] in
            // Ages ("5m"), the reconnect countdown and message expiry move with the clock.
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                queue.push(.tick(Date()))
            }
        }
        defer {
            push.cancel()
            keeping.cancel()
            sending.cancel()
            ticker.cancel()
        }

        queue.push(terminal.resized)
        var lastFrame: Screen?
        var lastTitle: String?
        while true {
            for action in queue.drain() {
                // A resize can leave the terminal showing something else: draw even an unchanged frame.
                if case .resize = action {
                    lastFrame = nil
                    Terminal.send(kitty.clear())
                }
                if case .pictureLoaded(let key, _) = action { picturesAsked.remove(key) }
                if !perform(state.update(action)) { return }
            }

            let started = ContinuousClock.now
            let frame = View.render(&state)
            askForPictures()
            if frame != lastFrame {
                terminal.draw(frame)
                frameTimes.record(ContinuousClock.now - started)
                lastFrame = frame
                // After ncurses has drawn the cells kept for them.
                if images == .kitty { Terminal.send(kitty.update(frame, pictures: state.pictures)) }
            }
            let title = View.title(state)
            if title != lastTitle {
                terminal.setTitle(title)
                lastTitle = title
            }

            switch terminal.read(waiting: 30) {
            case .key(let key): queue.push(.key(key))
            case .focus(let focused): queue.push(.focus(focused))
            case .mouse(let event): queue.push(.mouse(event))
            case .resize: queue.push(terminal.resized)
            case .hangup: queue.push(.terminate)
            case nil: break
            }
        }
    }

    /// Starts loading each picture the frame shows that is neither drawn nor on its way.
    private func askForPictures() {
        for (key, address) in state.pictures.wanted
        where state.pictures.slots[key] == nil && !picturesAsked.contains(key) {
            picturesAsked.insert(key)
            Task { [pictureLoader, queue] in
                queue.push(.pictureLoaded(key, await pictureLoader.load(key, from: address)))
            }
        }
    }

    /// Where this run leaves off, for the next one's "new since you were last here", and what
    /// it showed, for a next one that starts while the server is away.
    private func saveVisit() {
        guard let stateFiles else { return }
        // Never back: a run that loaded less than the last one saw keeps the last one's place.
        let visit = LastVisit(
            postId: max(state.posts.map(\.id).max() ?? 0, state.lastVisit?.postId ?? 0),
            eventId: max(state.newestEventId, state.lastVisit?.eventId ?? 0))
        do {
            try stateFiles.save(visit)
            try stateFiles.save(state.snapshot)
        } catch {
            logger.warning("could not save where this run left off", metadata: ["error": "\(error)"])
        }
    }

    /// Starts each effect as a task whose result comes back through the queue (an alert is
    /// written to the terminal at once); false when one of them is `.quit`.
    private func perform(_ effects: [Effect]) -> Bool {
        for effect in effects {
            if effect == .quit { return false }
            if case .alert(let sentence) = effect {
                if let escape = Notifier.escape(sentence, method: notify, insideTmux: insideTmux) {
                    Terminal.send(escape)
                }
                continue
            }
            if effect.isWrite {
                writes.continuation.yield(effect)
                continue
            }
            Task { [runner, queue] in
                if let action = await runner.run(effect) { queue.push(action) }
            }
        }
        return true
    }

    /// The user's writes, handed to the outbox one after another: in the order they were made.
    private let writes = AsyncStream.makeStream(of: Effect.self)

    /// SIGTERM, SIGINT and SIGHUP become `.terminate`, which quits like `q` does: the loop ends
    /// normally, so the terminal is always restored.
    private func trapSignals() -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [queue] in queue.push(.terminate) }
            source.resume()
            return source
        }
    }
}
