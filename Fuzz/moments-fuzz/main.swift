import CFuzzer
import Foundation

// moments-fuzz TARGET [libFuzzer options and corpus folders]: coverage-guided fuzzing of one
// target (see scripts/fuzz). A finding is a crash: a trap, an AddressSanitizer report, or a
// target's own check of what its code promises.
let targets: [String: (UnsafeRawBufferPointer) -> Void] = [
    "bodies": RequestBodiesTarget.run,
    "event": EventEncoderTarget.run,
    "websocket": WebSocketControlTarget.run,
    "layout": TextLayoutTarget.run,
    "media": MediaUploadTarget.run,
]

var arguments = CommandLine.arguments
guard arguments.count > 1, let target = targets[arguments[1]] else {
    FileHandle.standardError.write(
        Data("usage: moments-fuzz \(targets.keys.sorted().joined(separator: "|")) [libFuzzer options]\n".utf8))
    exit(2)
}
nonisolated(unsafe) let chosen = target
arguments.remove(at: 1)

// libFuzzer reads its options from a C argv it may rewrite: build one that lives to the end.
var argc = Int32(arguments.count)
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = UnsafeMutablePointer.allocate(
    capacity: arguments.count + 1)
for (index, argument) in arguments.enumerated() { argv![index] = strdup(argument) }
argv![arguments.count] = nil
exit(
    LLVMFuzzerRunDriver(&argc, &argv) { data, size in
        chosen(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    })
