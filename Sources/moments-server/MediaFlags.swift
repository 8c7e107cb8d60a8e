import ArgumentParser
import MomentsServer

/// The bounds on pictures (docs/operations.md, "Pictures").
struct MediaFlags: ParsableArguments {
    private static let defaults = MediaOptions()

    @Option(help: "Largest picture upload in bytes (413 past it, from Content-Length before reading).")
    var maxUploadBytes = defaults.maxUploadBytes
    @Option(help: "Most pixels a picture may claim (422 image_too_large from its header, before decoding).")
    var maxImagePixels = defaults.maxPixels
    @Option(help: "Picture uploads per user in any hour (429 past it).") var uploadsPerHour = defaults.uploadsPerHour
    @Option(help: "Pictures decoded at once, each on a thread of its own.") var imageThreads = defaults.decodeThreads
    @Option(help: "Uploads that may wait for a decoding thread (503 busy past it).")
    var imageQueue = defaults.decodeQueue
    @Option(
        help: ArgumentHelp(
            "How long an upload no post took is kept: 45s, 30m, 12h, 1d.", valueName: "duration"))
    var unattachedMediaAge = TTL(argument: "1d")!

    var options: MediaOptions {
        var options = MediaOptions()
        options.maxUploadBytes = max(1024, maxUploadBytes)
        options.maxPixels = max(1, maxImagePixels)
        options.uploadsPerHour = max(1, uploadsPerHour)
        options.decodeThreads = max(1, imageThreads)
        options.decodeQueue = max(0, imageQueue)
        options.unattachedAge = unattachedMediaAge.duration
        return options
    }
}
