import Foundation

/// How long frames took to lay out and draw (what changed of them reaching ncurses), kept for
/// the log line at the end of a run: scripts/bench-media reads it.
struct FrameTimes: CustomStringConvertible {
    private var times: [Duration] = []
    /// The most kept: a long run keeps its first frames' worth.
    static let kept = 100_000

    mutating func record(_ time: Duration) {
        if times.count < Self.kept { times.append(time) }
    }

    var description: String {
        guard !times.isEmpty else { return "frames drawn: 0" }
        let sorted = times.sorted()
        func ms(_ fraction: Double) -> String {
            let time = sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
            let micros = time.components.seconds * 1_000_000 + time.components.attoseconds / 1_000_000_000_000
            return String(format: "%.2f", Double(micros) / 1000)
        }
        return "frames drawn: \(times.count), p50 \(ms(0.5)) ms, p99 \(ms(0.99)) ms, max \(ms(1.0)) ms"
    }
}
