import NIOConcurrencyHelpers
import Testing

@testable import MomentsServer

@Suite("PingWheel: every connection once per turn, a slot at a time")
struct PingWheelTests {
    @Test("each step asks one slot's share; a turn asks every connection exactly once; removed ones never")
    func spread() {
        let wheel = PingWheel()
        let asked = NIOLockedValueBox([Int](repeating: 0, count: 100))
        let owners = (0..<100).map { _ in Owner() }
        for (index, owner) in owners.enumerated() {
            wheel.add(ObjectIdentifier(owner)) { asked.withLockedValue { $0[index] += 1 } }
        }
        wheel.remove(ObjectIdentifier(owners[7]))
        var perStep: [Int] = []
        for _ in 0..<PingWheel.slots {
            let before = asked.withLockedValue { $0.reduce(0, +) }
            wheel.advance()
            perStep.append(asked.withLockedValue { $0.reduce(0, +) } - before)
        }
        #expect(perStep.max()! <= 100 / PingWheel.slots, "no step asks more than its slot: \(perStep)")
        let counts = asked.withLockedValue { $0 }
        #expect(counts.enumerated().allSatisfy { $0.offset == 7 ? $0.element == 0 : $0.element == 1 })
        wheel.tick()
        #expect(asked.withLockedValue { $0.reduce(0, +) } == 2 * 99)
    }

    private final class Owner {}
}
