import ArgumentParser
import Foundation
import MomentsImaging

/// `moments-bench picture`: a JPEG for the picture benchmarks (scripts/bench-media), as large as
/// asked and about as hard to compress as a photo (smooth light with fine noise).
struct PictureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "picture", abstract: "Write a photo-like JPEG of the given size (for scripts/bench-media).")

    @Option(help: "Width in pixels.") var width = 4000
    @Option(help: "Height in pixels.") var height = 3000
    @Option(help: "Where to write it.") var out: String
    @Option(help: "Varies the picture (two seeds, two different files).") var seed = 1

    func run() throws {
        var random = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = Int(random >> 59) - 16
                let i = (y * width + x) * 3
                let fx = Double(x) / Double(width)
                let fy = Double(y) / Double(height)
                pixels[i] = UInt8(clamping: Int(200 * fx + 30 * sin(fy * 9 + Double(seed))) + noise)
                pixels[i + 1] = UInt8(clamping: Int(180 * fy + 40 * cos(fx * 7)) + noise)
                pixels[i + 2] = UInt8(clamping: Int(120 + 100 * sin((fx + fy) * 5)) + noise)
            }
        }
        let jpeg = try Imaging.encode(pixels: pixels, width: width, height: height, bands: 3, as: .jpeg)
        try Data(jpeg).write(to: URL(fileURLWithPath: out))
    }
}
