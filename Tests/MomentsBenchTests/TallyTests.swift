import Histogram
import Testing

@testable import moments_bench

@Suite("Tally: what a worker counts")
struct TallyTests {
    @Test("latencies in microseconds from due to arrival, capped at a minute; an early arrival counts as 0")
    func latency() {
        var histogram = Tally.emptyHistogram()
        Tally.record(due: 1_000_000, arrival: 3_500_000, in: &histogram)  // 2.5 ms
        Tally.record(due: 5_000_000, arrival: 4_000_000, in: &histogram)  // before it was due
        Tally.record(due: 0, arrival: 3_600_000_000_000, in: &histogram)  // an hour
        #expect(histogram.totalCount == 3)
        #expect(histogram.min == 0)
        #expect((2_499...2_501).contains(Int(histogram.valueAtPercentile(50))))
        #expect(histogram.max >= Tally.maxLatency && histogram.max <= Tally.maxLatency + Tally.maxLatency / 1000)
    }

    @Test("after reset(since:), a straggler due before it is stale, not a delivery of the new step")
    func stragglers() {
        let tally = Tally()
        tally.received(stamp: 100, at: 150)
        tally.reset(since: 1_000)
        tally.received(stamp: 900, at: 1_100)  // the previous step's
        tally.received(stamp: 1_050, at: 1_200)
        tally.received(stamp: nil, at: 1_300)  // no stamp: counted, not timed
        tally.duplicate()
        tally.liked(LikeArrival(actor: "u1", post: 7, at: 1_400))
        var reply = WorkerReply()
        tally.report(into: &reply)
        #expect(reply.received == 3)
        #expect(reply.stale == 1)
        #expect(reply.duplicates == 1)
        #expect(reply.histogram?.totalCount == 1)
        #expect(reply.likes?.map(\.post) == [7])
        #expect(reply.lastArrival == 1_400)
    }

    @Test("fail-over: each user counted once per node it left, the last move's time kept")
    func failOver() {
        let tally = Tally()
        tally.failedOver("a", home: 1, at: 10)
        tally.failedOver("a", home: 1, at: 20)
        tally.failedOver("b", home: 1, at: 15)
        tally.failedOver("c", home: 0, at: 5)
        var reply = WorkerReply()
        tally.report(into: &reply)
        #expect(reply.failedOver == [1, 2])
        #expect(reply.lastFailover == 20)
    }
}
