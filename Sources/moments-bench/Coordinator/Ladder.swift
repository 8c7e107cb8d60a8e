import ArgumentParser
import Histogram

/// How a rate ladder (`unicast-max`, `likes-max`) climbs; the rates themselves are each
/// scenario's own, since a like costs the server more than a bare message.
struct LadderOptions: ParsableArguments {
    @Option(help: "Seconds each rate is offered for.") var stepSeconds = 5.0
    @Option(help: "Seconds of quiet between steps, so the server's queues drain.") var gap = 1.0
    @Option(help: "Seconds of unicast at the first rate before the first step (not measured).") var warmup = 1.0
    @Option(help: "A step passes with p99 at most this many milliseconds (and nothing lost).") var p99Limit = 5.0
    @Option(
        help:
            "A p99 past this many milliseconds is queueing, not noise: the server is saturated and the climb stops."
    )
    var saturatedP99 = 100.0

    func validate() throws {
        guard stepSeconds > 0, gap >= 0, warmup >= 0, p99Limit > 0, saturatedP99 >= p99Limit else {
            throw ValidationError(
                "--step-seconds and --p99-limit must be positive, --gap and --warmup not negative, --saturated-p99 at least --p99-limit"
            )
        }
    }

    /// `1000,2000,4000` → rates per second, rising.
    static func rates(_ argument: String) throws -> [Double] {
        let rates = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !rates.isEmpty, rates.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--rates wants positive numbers separated by commas, e.g. 1000,2000,4000")
        }
        return rates.compactMap { $0 }
    }
}

/// One rung of the ladder, as it goes into the JSON line.
struct LadderStep: Encodable {
    /// Offered, per second.
    let rate: Double
    /// Accepted (2xx) publishes per second, from the step's first send to its last answer.
    var achievedRate = 0.0
    var published = 0
    var publishErrors = 0
    var delivered = 0
    var lost = 0
    var duplicates = 0
    var unexpected = 0
    var p50 = 0.0
    var p99 = 0.0
    var p999 = 0.0
    var max = 0.0
    var cpuMsPer1000: Double?
    var serverCpuPercent: Double?
    var postgresCpuMsPer1000: Double?
    var postgresCpuPercent: Double?
    var generatorCpuPercent = 0.0
    /// Publishing short of the rate, or p99 past `--saturated-p99`: the server did not keep up.
    var overloaded = false
    /// Kept up, nothing lost, and p99 within the limit.
    var passed = false

    /// Nothing lost, duplicated or unexpected, and every publish accepted.
    var clean: Bool { lost + duplicates + unexpected + publishErrors == 0 }

    /// Whether the server kept up with the step and whether the step passed, from what it
    /// measured: past `saturatedP99`, or publishing short of 95 % of the rate, is overloaded.
    mutating func judge(p99Limit: Double, saturatedP99: Double) {
        overloaded = p99 > saturatedP99 || achievedRate < 0.95 * rate
        passed = !overloaded && clean && p99 <= p99Limit
    }

    private enum CodingKeys: String, CodingKey {
        case rate, published, delivered, lost, duplicates, unexpected, p50, p99, p999, max, overloaded, passed
        case achievedRate = "achieved_rate"
        case publishErrors = "publish_errors"
        case cpuMsPer1000 = "cpu_ms_per_1000"
        case serverCpuPercent = "server_cpu_percent"
        case postgresCpuMsPer1000 = "postgres_cpu_ms_per_1000"
        case postgresCpuPercent = "postgres_cpu_percent"
        case generatorCpuPercent = "generator_cpu_percent"
    }
}

/// Finds the highest rate a server sustains: steps of rising offered rate on one set of
/// connections (connected once), each measured on its own, until the server stops keeping up.
/// A step passes with its p99 within the limit; the climb goes on past a step that only missed
/// the limit (a noisy machine's tail is not a ceiling), so the points show where the knee is.
///
/// Each step resets the workers' tallies with its start time: its messages are all due after
/// it, the previous step's all before (they do not overlap), so a straggler from an earlier
/// step is left out instead of counting as a delivery of this one.
///
/// The ladder stops after the first overloaded step: a step above it would be measured on a
/// server still draining its backlog, so it would say little, and every overloaded step costs
/// the run its backlog's time. Noise in one step is left to the medians over rounds.
struct Ladder {
    let options: LadderOptions
    let session: Session

    /// Waits this long without a new arrival before calling a step's missing messages lost.
    static let quiet = 5.0

    /// Climbs `rates`. `available` caps the messages of all steps together (likes: distinct
    /// liker–post pairs); a step that would need more is not run, and `exhausted` says so.
    /// `publish(rate, count, offset)` sends a step's `count` messages, numbered from `offset`
    /// over the whole ladder; `measure` turns what arrived into deliveries and latencies,
    /// given the step's start.
    func climb(
        rates: [Double], available: Int = .max, into report: inout Report,
        publish: (Double, Int, Int) async -> Void,
        measure: (Session.Received, UInt64) -> (delivered: Int, histogram: Histogram<UInt64>)
    ) async throws {
        let publisher = session.publisher
        var steps: [LadderStep] = []
        var used = 0
        var exhausted = false
        // The publisher's HTTP connections are opened by the first requests; without a warm-up
        // their handshakes would land in the first step's tail, and a failing first step ends
        // the ladder. Unicast warms the same pool for likes too; its arrivals are due before
        // the first step, so the workers leave them out.
        if options.warmup > 0, let first = rates.first {
            let users = session.users
            _ = await OpenLoop.run(count: Int(first * options.warmup), rate: first) { _, due in
                await publisher.unicast(to: users.indices.randomElement()!, stamp: due)
            }
            try await Task.sleep(for: .seconds(options.gap))
        }
        for rate in rates {
            let count = Int(rate * options.stepSeconds)
            guard used + count <= available else {
                exhausted = true
                break
            }
            if !steps.isEmpty { try await Task.sleep(for: .seconds(options.gap)) }
            let since = Monotonic.now()
            try await session.reset(since: since)
            let (succeededBefore, failedBefore) = (publisher.succeeded, publisher.failed)
            let mark = session.cpuMark()
            await publish(rate, count, used)
            let publishSeconds = Monotonic.seconds(since: since)
            used += count
            var step = LadderStep(rate: rate)
            step.published = publisher.succeeded - succeededBefore
            step.publishErrors = publisher.failed - failedBefore
            step.achievedRate = Double(step.published) / publishSeconds
            let received = try await session.collect(expected: step.published, quiet: Self.quiet)
            let (delivered, histogram) = measure(received, since)
            let cost = mark.cost(until: session.cpuMark(), count: delivered)
            step.delivered = delivered
            step.lost = Swift.max(0, step.published - delivered)
            step.unexpected = Swift.max(0, delivered - step.published)
            step.duplicates = received.duplicates
            let latency = Report.Latency(histogram)
            (step.p50, step.p99, step.p999, step.max) = (latency.p50, latency.p99, latency.p999, latency.max)
            step.cpuMsPer1000 = cost.serverMsPer1000
            step.serverCpuPercent = cost.serverPercent
            (step.postgresCpuMsPer1000, step.postgresCpuPercent) = (cost.postgresMsPer1000, cost.postgresPercent)
            step.generatorCpuPercent = cost.generatorPercent
            step.judge(p99Limit: options.p99Limit, saturatedP99: options.saturatedP99)
            steps.append(step)
            report.errors += received.errors
            guard !step.overloaded, step.clean else { break }
        }
        Self.summarize(steps, exhausted: exhausted, into: &report)
        report.errors += publisher.errors
    }

    /// The ladder's figures from its steps: the sustained rate (the last step that passed), the
    /// rate kept up with (the last that was neither overloaded nor lossy), and what a step that
    /// kept up still lost (the run's failure).
    static func summarize(_ steps: [LadderStep], exhausted: Bool, into report: inout Report) {
        report.ladder = steps
        report.add("steps", steps.count)
        report.add("exhausted", exhausted ? 1 : 0)
        let top = steps.last(where: \.passed)
        report.add("sustained_rate", top?.achievedRate ?? 0)
        // The highest step the server kept up with (nothing lost, p99 under saturation).
        let keptUp = steps.last { !$0.overloaded && $0.clean }
        report.add("kept_up_rate", keptUp?.achievedRate ?? 0)
        if let keptUp {
            report.add("kept_up_p99", keptUp.p99)
            if let cpu = keptUp.cpuMsPer1000 { report.add("kept_up_cpu_ms_per_1000", cpu) }
            if let cpu = keptUp.serverCpuPercent { report.add("kept_up_server_cpu_percent", cpu) }
            if let cpu = keptUp.postgresCpuMsPer1000 { report.add("kept_up_postgres_cpu_ms_per_1000", cpu) }
            if let cpu = keptUp.postgresCpuPercent { report.add("kept_up_postgres_cpu_percent", cpu) }
            report.add("kept_up_generator_cpu_percent", keptUp.generatorCpuPercent)
        }
        if let top {
            report.add("sustained_offered_rate", top.rate)
            report.add("sustained_p50", top.p50)
            report.add("sustained_p99", top.p99)
            // The CPU figures every scenario reports, here at the ceiling (the sustained step).
            if let cpu = top.cpuMsPer1000 { report.add("server_cpu_ms_per_1000", cpu) }
            if let cpu = top.serverCpuPercent { report.add("server_cpu_percent", cpu) }
            report.add("generator_cpu_percent", top.generatorCpuPercent)
        }
        // An overloaded step may shed load: its losses are what the ladder climbs to find, so
        // they stay in its point and do not fail the run. A step that kept up (p99 and rate
        // within bounds) and still lost, duplicated or failed to publish is a broken server:
        // those count here, under the names that make the run exit with status 2.
        let broken = steps.filter { !$0.overloaded }
        report.add("lost", broken.reduce(0) { $0 + $1.lost })
        report.add("duplicates", broken.reduce(0) { $0 + $1.duplicates })
        report.add("unexpected", broken.reduce(0) { $0 + $1.unexpected })
        report.add("publish_errors", broken.reduce(0) { $0 + $1.publishErrors })
    }
}
