import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// The suite's children still running, so that Ctrl-C or a SIGTERM stops them (servers, nginx,
/// scenarios) instead of leaving them holding ports and CPU after the suite is gone.
enum RunningChildren {
    private static let pids = NIOLockedValueBox<Set<Int32>>([])
    /// Set once, before any child starts; kept so the handlers stay installed.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    static func add(_ pid: Int32) { pids.withLockedValue { _ = $0.insert(pid) } }
    static func remove(_ pid: Int32) { pids.withLockedValue { _ = $0.remove(pid) } }

    /// From now on, SIGINT and SIGTERM send SIGTERM to every running child and remove `work`,
    /// then end the suite.
    static func stopOnInterrupt(removing work: URL) {
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                for pid in pids.withLockedValue({ $0 }) { kill(pid, SIGTERM) }
                try? FileManager.default.removeItem(at: work)
                FileHandle.standardError.write(Data("moments-bench suite: interrupted; its children stopped\n".utf8))
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }
}
