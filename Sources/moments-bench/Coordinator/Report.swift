import Foundation
import Histogram

/// A scenario's outcome: a table for people, then one JSON line for scripts/bench.
struct Report: Encodable {
    struct Latency: Encodable {
        let count: UInt64
        let p50: Double
        let p90: Double
        let p99: Double
        let p999: Double
        let max: Double
        /// (percentile, milliseconds) points for a CDF plot.
        let cdf: [[Double]]

        /// From a histogram of microseconds, in milliseconds.
        init(_ histogram: Histogram<UInt64>) {
            func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
            count = histogram.totalCount
            p50 = ms(50)
            p90 = ms(90)
            p99 = ms(99)
            p999 = ms(99.9)
            max = Double(histogram.max) / 1000
            cdf = histogram.percentiles(ticksPerHalfDistance: 4).prefix(200).map {
                [$0.percentile, Double($0.value) / 1000]
            }
        }
    }

    let scenario: String
    let target: Target
    let label: String?
    let connections: Int
    /// Name → value, in the order they were added.
    private(set) var figures: [(String, Double)] = []
    var latency: Latency?
    /// A rate ladder's steps (`unicast-max`, `likes-max`), lowest rate first.
    var ladder: [LadderStep]?
    /// A soak's samples of the server, oldest first.
    var samples: [ProcessGauges]?
    var errors: [String] = []

    init(scenario: String, options: CommonOptions) {
        self.scenario = scenario
        self.target = options.target
        self.label = options.label
        self.connections = options.connections
    }

    mutating func add(_ name: String, _ value: Double) {
        figures.append((name, value))
    }

    mutating func add(_ name: String, _ value: Int) {
        figures.append((name, Double(value)))
    }

    func value(_ name: String) -> Double? {
        figures.first { $0.0 == name }?.1
    }

    private enum Keys: String, CodingKey {
        case scenario, target, label, connections, figures, latencyMs, ladder, samples, errors
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(target, forKey: .target)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encode(connections, forKey: .connections)
        try container.encode(Dictionary(figures, uniquingKeysWith: { $1 }), forKey: .figures)
        try container.encodeIfPresent(latency, forKey: .latencyMs)
        try container.encodeIfPresent(ladder, forKey: .ladder)
        try container.encodeIfPresent(samples, forKey: .samples)
        try container.encode(errors, forKey: .errors)
    }

    func print() {
        var lines = ["\(scenario) — \(target.rawValue), \(connections) connections"]
        for (name, value) in figures {
            lines.append("  \(name.padding(toLength: 32, withPad: " ", startingAt: 0)) \(format(value))")
        }
        if let latency {
            lines.append("  latency ms (\(latency.count) samples)")
            for (name, value) in [
                ("p50", latency.p50), ("p90", latency.p90), ("p99", latency.p99), ("p99.9", latency.p999),
                ("max", latency.max),
            ] {
                lines.append("    \(name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(format(value))")
            }
        }
        if let ladder {
            lines.append(
                "  ladder (offered/s, achieved/s, p50 p99 p99.9 ms, lost, server cpu ms/1000, cpu %, generator %)")
            for step in ladder {
                let clean = step.lost + step.duplicates + step.unexpected + step.publishErrors == 0
                let verdict =
                    step.passed
                    ? "pass"
                    : step.overloaded
                        ? "fail: overloaded" : clean ? "fail: p99 over the limit" : "FAIL: lost while keeping up"
                let cells = [
                    format(step.rate), format(step.achievedRate), format(step.p50), format(step.p99), format(step.p999),
                    format(Double(step.lost)), step.cpuMsPer1000.map(format) ?? "—",
                    step.serverCpuPercent.map(format) ?? "—", format(step.generatorCpuPercent), verdict,
                ]
                lines.append("    " + cells.joined(separator: "  "))
            }
        }
        for error in errors { lines.append("  error: \(error)") }
        Swift.print(lines.joined(separator: "\n"))
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        if let json = try? encoder.encode(self) { Swift.print(String(decoding: json, as: UTF8.self)) }
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e12 ? String(Int(value)) : String(format: "%.3f", value)
    }
}
