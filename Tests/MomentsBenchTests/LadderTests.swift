import ArgumentParser
import Testing

@testable import moments_bench

/// The rate ladder's decisions: which step kept up, which passed, and the figures the docs
/// publish from them.
@Suite("Ladder: steps judged and summed up")
struct LadderTests {
    static func step(
        _ rate: Double, achieved: Double? = nil, p99: Double, lost: Int = 0, duplicates: Int = 0
    ) -> LadderStep {
        var step = LadderStep(rate: rate)
        step.achievedRate = achieved ?? rate
        step.published = Int(rate)
        step.delivered = Int(rate) - lost
        step.lost = lost
        step.duplicates = duplicates
        step.p99 = p99
        step.cpuMsPer1000 = 1_000_000 / rate
        step.judge(p99Limit: 5, saturatedP99: 100)
        return step
    }

    @Test("a step passes within the p99 limit and clean; past saturation, or publishing under 95 %, is overloaded")
    func judge() {
        #expect(Self.step(1000, p99: 4.9).passed)
        let noisy = Self.step(1000, p99: 6)
        #expect(!noisy.passed && !noisy.overloaded)
        #expect(Self.step(1000, p99: 101).overloaded)
        #expect(Self.step(1000, achieved: 940, p99: 1).overloaded)
        #expect(!Self.step(1000, achieved: 950, p99: 1).overloaded)
        let lossy = Self.step(1000, p99: 1, lost: 1)
        #expect(!lossy.passed && !lossy.overloaded && !lossy.clean)
    }

    static func report(_ steps: [LadderStep]) throws -> Report {
        let options = try CommonOptions.parse(["--url", "http://127.0.0.1:1", "--users-file", "users.txt"])
        var report = Report(scenario: "unicast-max", options: options)
        Ladder.summarize(steps, exhausted: false, into: &report)
        return report
    }

    @Test("sustained: the last step that passed; kept up: the last neither overloaded nor lossy")
    func summary() throws {
        let report = try Self.report([
            Self.step(1000, p99: 2), Self.step(2000, p99: 4), Self.step(3000, p99: 9), Self.step(4000, p99: 300),
        ])
        #expect(report.value("sustained_rate") == 2000)
        #expect(report.value("sustained_p99") == 4)
        #expect(report.value("server_cpu_ms_per_1000") == 500)
        #expect(report.value("kept_up_rate") == 3000)
        #expect(report.value("kept_up_p99") == 9)
        #expect(report.value("steps") == 4)
        #expect(report.value("lost") == 0)
    }

    @Test("losses in an overloaded step are the ceiling's; in a step that kept up they fail the run")
    func losses() throws {
        let shed = try Self.report([Self.step(1000, p99: 2), Self.step(2000, p99: 500, lost: 40)])
        #expect(shed.value("lost") == 0 && shed.value("kept_up_rate") == 1000)
        let broken = try Self.report([Self.step(1000, p99: 2, lost: 3, duplicates: 1)])
        #expect(broken.value("lost") == 3 && broken.value("duplicates") == 1)
        #expect(broken.value("sustained_rate") == 0 && broken.value("kept_up_rate") == 0)
    }

    @Test("--rates: positive numbers separated by commas")
    func rates() throws {
        #expect(try LadderOptions.rates("1000, 2000,4000") == [1000, 2000, 4000])
        for bad in ["", "1000,x", "0", "-5"] {
            #expect(throws: ValidationError.self, "\(bad)") { try LadderOptions.rates(bad) }
        }
    }
}
