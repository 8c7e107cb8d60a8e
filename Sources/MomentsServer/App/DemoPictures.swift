import Foundation
import MomentsImaging
import MomentsStore

/// The demo's pictures, drawn by this code at start: no image file is shipped (so none has a
/// licence to state). Each goes through the same processing as an upload.
enum DemoPictures {
    static let width = 480
    static let height = 360

    /// The picture `name` (one of `DemoSeed.pictures`) as JPEG bytes.
    static func jpeg(_ name: String) throws -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = colour(name, x: Double(x) / Double(width), y: Double(y) / Double(height))
                let i = (y * width + x) * 3
                pixels[i] = UInt8(max(0, min(255, r * 255)))
                pixels[i + 1] = UInt8(max(0, min(255, g * 255)))
                pixels[i + 2] = UInt8(max(0, min(255, b * 255)))
            }
        }
        return try Imaging.encode(pixels: pixels, width: width, height: height, bands: 3, as: .jpeg)
    }

    private static func mix(_ a: (Double, Double, Double), _ b: (Double, Double, Double), _ t: Double) -> (
        Double, Double, Double
    ) {
        let t = max(0, min(1, t))
        return (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t, a.2 + (b.2 - a.2) * t)
    }

    /// Each picture as a function of the point (0…1 across, 0…1 down).
    private static func colour(_ name: String, x: Double, y: Double) -> (Double, Double, Double) {
        let aspect = Double(width) / Double(height)
        switch name {
        case "sunrise":
            // A sun rising behind a dark ridge, the sky warm near the horizon.
            let sun = hypot((x - 0.55) * aspect, y - 0.62)
            let ridge = 0.62 + 0.08 * sin(x * 7) + 0.04 * sin(x * 23)
            if y > ridge { return mix((0.18, 0.12, 0.2), (0.05, 0.04, 0.08), (y - ridge) * 3) }
            if sun < 0.12 { return (1.0, 0.93, 0.7) }
            let sky = mix((0.25, 0.2, 0.5), (1.0, 0.55, 0.25), y / ridge)
            return mix((1.0, 0.8, 0.45), sky, (sun - 0.12) * 2.5)
        case "ridge":
            // Layered mountains fading into haze.
            for (layer, level) in [0.72, 0.58, 0.45].enumerated().reversed() {
                let top = level + 0.06 * sin(x * Double(5 + layer * 4) + Double(layer)) + 0.03 * sin(x * 31)
                if y > top {
                    let shade = 0.2 + Double(layer) * 0.18
                    return mix((0.15, 0.3, 0.2), (0.6, 0.7, 0.8), shade)
                }
            }
            return mix((0.55, 0.75, 0.95), (0.9, 0.95, 1.0), y * 1.5)
        case "lake":
            // Sky, far shore, and the lake with ripples.
            if y < 0.45 { return mix((0.4, 0.65, 0.95), (0.8, 0.9, 1.0), y * 2) }
            if y < 0.5 { return (0.2, 0.4, 0.25) }
            let ripple = 0.05 * sin(y * 90 + sin(x * 12) * 2)
            return mix((0.2, 0.45, 0.7), (0.05, 0.2, 0.4), (y - 0.5) * 2 + ripple)
        default:
            // Dumplings: pale crescents on a blue-rimmed plate, on a wooden table.
            let plate = hypot((x - 0.5) * aspect, y - 0.5)
            if plate > 0.46 { return mix((0.55, 0.35, 0.2), (0.45, 0.28, 0.15), (sin(y * 60) + 1) / 2) }
            if plate > 0.42 { return (0.2, 0.35, 0.7) }
            for index in 0..<7 {
                let angle = Double(index) / 7 * 2 * .pi
                let cx = 0.5 + cos(angle) * 0.22 / aspect
                let cy = 0.5 + sin(angle) * 0.22
                if hypot((x - cx) * aspect, (y - cy) * 1.4) < 0.09 { return (0.97, 0.94, 0.85) }
            }
            return (0.95, 0.95, 0.97)
        }
    }
}

extension MomentsServer {
    /// Seeds the demo world into an empty store (`serve --demo`), with its pictures unless
    /// `pictures` is false; answers whether it did.
    public func seedDemo(pictures: Bool = true) async throws -> Bool {
        let processor = mediaProcessor
        let draw: @Sendable (String, String) async throws -> NewMedia = { name, owner in
            try await processor.process(try DemoPictures.jpeg(name), id: MediaProcessor.newId(), owner: owner)
        }
        return try await DemoSeed.seedIfEmpty(store, picture: pictures ? draw : nil)
    }
}
