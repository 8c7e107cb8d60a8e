import Testing

@testable import MomentsTestSupport

/// The tests' hang guard must fail a wait that cannot be cancelled, not join it for ever.
@Suite("within: the hang guard")
struct WithinTests {
    @Test("a wait on another task's value (not cancellable) fails at the bound; a quick one answers")
    func abandonsWhatCannotBeCancelled() async throws {
        let forever = Task { try? await Task.sleep(for: .seconds(3600)) }
        defer { forever.cancel() }
        await #expect(throws: TestFailure.self) { try await within(.milliseconds(200)) { await forever.value } }
        #expect(try await within { 42 } == 42)
        await #expect(throws: TestFailure.self) { try await within { throw TestFailure("its own") } }
    }
}
